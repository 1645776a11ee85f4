import type { Finding } from "../core/findings.js";
import { pushTo } from "../core/group.js";
import { byCodeUnits } from "../core/order.js";
import type { AuditedModule, NotJudged, ScanResult } from "../core/results.js";
import type { ModuleUpgrade } from "../core/upgrade.js";
import { embeddedTable, type ExportDatabase } from "../resolve/embedded-db.js";
import { parseRelease } from "../resolve/embedded-select.js";
import { releaseOfVermagic } from "../resolve/release.js";
import { chooseUpgradeTarget, parseUpgradeTarget } from "../resolve/release-target.js";
import type { AuditOptions } from "./audit.js";
import { judgeUpgrade, notJudgedUpgrade, type UpgradeJudgement, type UpgradeTarget } from "./upgrade.js";

/** The release a module was built for: its vermagic's, else its kernel's in the scan (a blob's). */
function ownRelease(m: AuditedModule): string | null {
  const f = m.facts;
  const fromVermagic = f.kind === "module" && f.dialect === "linux" && f.vermagic ? releaseOfVermagic(f.vermagic) : "";
  return fromVermagic || m.kernel;
}

/** The target's table, and its build's other flavours for the same architecture, read only when asked. */
function targetOf(db: ExportDatabase, release: string, asked: string): UpgradeTarget {
  const me = parseRelease(release);
  const arch = db.releases.find((r) => r.release === release)?.arch;
  const siblings = db.releases.flatMap((r) => {
    const p = parseRelease(r.release);
    const sameBuild = me && p && p.series === me.series && p.position === me.position;
    if (!sameBuild || r.release === release || r.arch !== arch) return [];
    let symbols: Set<string> | undefined;
    const exports = (symbol: string) =>
      (symbols ??= new Set(embeddedTable(db, r.release).exports.map((e) => e.symbol))).has(symbol);
    return [{ flavour: p.flavour, exports }];
  });
  return {
    release,
    asked,
    table: embeddedTable(db, release),
    source: { kind: "embedded", file: `${release} (kmodaudit embedded export database)`, origin: "explicit" },
    siblings,
  };
}

/**
 * `kmodaudit upgrade`: each module of a scan judged against each target kernel of the embedded
 * database (`to`: releases, series such as `6.12`, or `latest`, see chooseUpgradeTarget). Each
 * kernel of the scan is judged as a whole, so its modules still resolve against one another. The
 * result is the scan's, each module's findings replaced by those against the targets and its
 * `upgrades` added, one per target, in the order asked.
 */
export async function checkUpgrades(
  result: ScanResult,
  db: ExportDatabase,
  to: readonly string[],
  options: AuditOptions = {},
): Promise<ScanResult> {
  const asked = [...new Set(to)];
  const upgrades = new Map<string, ModuleUpgrade[]>(result.modules.map((m) => [m.path, []]));
  const findings = new Map<string, Finding[]>(result.modules.map((m) => [m.path, []]));
  const notJudged: NotJudged[] = [];
  // Each target's table once, however many kernels of the scan are judged against it.
  const targets = new Map<string, UpgradeTarget>();
  const byKernel = new Map<string | null, AuditedModule[]>();
  for (const m of result.modules) pushTo(byKernel, m.kernel, m);
  for (const wanted of asked) {
    const target = parseUpgradeTarget(wanted);
    for (const modules of byKernel.values()) {
      const groups = new Map<string | null, AuditedModule[]>();
      for (const m of modules) {
        if (m.facts.dialect === "vmkernel") {
          upgrades.get(m.path)!.push(notJudgedUpgrade(wanted, VMKERNEL));
          continue;
        }
        const choice = chooseUpgradeTarget(db.releases, target, ownRelease(m));
        const key = choice?.release ?? null;
        pushTo(groups, key, m);
      }
      for (const [release, group] of groups) {
        if (release === null) {
          const reasons = new Map<string, number>();
          for (const m of group) {
            const why = noTarget(wanted, ownRelease(m));
            reasons.set(why, (reasons.get(why) ?? 0) + 1);
            upgrades.get(m.path)!.push(notJudgedUpgrade(wanted, why));
          }
          for (const [why, n] of reasons)
            notJudged.push({
              code: "no-upgrade-target",
              message: `--to ${wanted}: ${n === 1 ? "1 module was" : `${n} modules were`} not judged: ${why}`,
            });
          continue;
        }
        let target = targets.get(`${release} ${wanted}`);
        if (!target) targets.set(`${release} ${wanted}`, (target = targetOf(db, release, wanted)));
        const judged: Map<string, UpgradeJudgement> = await judgeUpgrade(modules, target, options);
        for (const m of group) {
          const j = judged.get(m.path);
          if (!j) continue;
          upgrades.get(m.path)!.push(j.upgrade);
          for (const f of j.findings) findings.get(m.path)!.push(f);
        }
      }
    }
  }
  return {
    ...result,
    notJudged: [...result.notJudged, ...notJudged],
    modules: result.modules
      .map((m) => ({ ...m, findings: findings.get(m.path)!, upgrades: upgrades.get(m.path)! }))
      .sort(byCodeUnits("path")),
  };
}

const VMKERNEL = "a VMkernel module: the database holds Linux kernels' exports, not the VMkernel's";

function noTarget(asked: string, own: string | null): string {
  if (own === null) return `nothing names the kernel it was built for, so ${asked} cannot be taken in its flavour`;
  const flavour = parseRelease(own)?.flavour;
  return flavour
    ? `the embedded database has no ${flavour} build for ${asked}`
    : `the embedded database has no build for ${asked} (${own} is not a Debian release)`;
}
