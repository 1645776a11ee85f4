import type { BaselineReport } from "../core/results.js";
import { escapeForTerminal as esc } from "./escape.js";
import { plural } from "../core/plural.js";

/**
 * The table report's baseline lines: what was suppressed, and each stale entry with what to do.
 * Stale entries do not fail the gate (the finding went away, which is good news), but left in
 * place they would silently accept the finding if it came back, so they are shown as warnings.
 */
export function renderBaselineSection(b: BaselineReport, paint: (s: string) => string = (s) => s): string {
  const lines = [
    `Baseline ${esc(b.file)}: ${plural(b.suppressed, "finding")} suppressed` +
      (b.narrowed ? `, ${plural(b.narrowed, "finding")} reported with only the symbols it gained` : "") +
      (b.stale.length ? `, ${b.stale.length} stale ${b.stale.length === 1 ? "entry" : "entries"}.` : "."),
  ];
  for (const e of b.stale) {
    const what = e.symbols.length ? `${e.symbols.map(esc).join(", ")} no longer found` : "finding no longer present";
    lines.push(
      `${paint("warning")} stale baseline entry ${esc(e.rule)} on ${esc(e.module)}: ${what}; remove it from ` +
        `${esc(b.file)} (or rerun kmodaudit baseline write)`,
    );
  }
  return lines.join("\n");
}
