import type { AuditedModule } from "../core/results.js";
import type { ModuleUpgrade, UpgradeVerdict } from "../core/upgrade.js";
import { escapeForTerminal as esc } from "./escape.js";
import { pushTo } from "../core/group.js";

const VERDICTS: readonly [UpgradeVerdict, string][] = [
  ["builds-and-loads", "build and load"],
  ["build-fails", "fail to build"],
  ["load-refused", "build but are refused at load"],
  ["not-judged", "not judged"],
];

const CHANGES = ["gone", "flavour", "gpl-only", "namespace", "provider"] as const;

/**
 * Under an upgrade check's table: for each target asked, how many modules build and load there, and
 * how many imports changed in each way (the table itself shows the findings).
 */
export function upgradeLines(modules: readonly AuditedModule[]): string[] {
  const byAsked = new Map<string, ModuleUpgrade[]>();
  for (const m of modules) for (const u of m.upgrades ?? []) pushTo(byAsked, u.asked, u);
  const lines: string[] = [];
  for (const [asked, upgrades] of byAsked) {
    const releases = [...new Set(upgrades.filter((u) => u.verdict !== "not-judged").map((u) => u.to))];
    const verdicts = VERDICTS.flatMap(([v, words]) => {
      const n = upgrades.filter((u) => u.verdict === v).length;
      return n ? [`${n} ${words}`] : [];
    });
    const changes = CHANGES.flatMap((kind) => {
      const n = upgrades.reduce((sum, u) => sum + u.changes.filter((c) => c.change === kind).length, 0);
      return n ? [`${kind} ${n}`] : [];
    });
    const on = releases.length && releases.join() !== asked ? ` (${releases.map(esc).join(", ")})` : "";
    lines.push(
      `Upgrade to ${esc(asked)}${on}: ${verdicts.join(", ")}; ` +
        (changes.length ? `changed imports: ${changes.join(", ")}` : "no import changed"),
    );
  }
  return lines;
}
