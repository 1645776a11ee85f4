import type { AuditedModule } from "../core/results.js";
import { mostSevereFirst } from "../core/findings.js";
import type { RunningModule, RunningSystem } from "../core/running.js";
import { explainModuleTaint, TAINT_FLAGS } from "../system/taint.js";
import { renderBoxTable, type Cell, type Column, type TableWidthOption } from "./box-table.js";
import { escapeForTerminal as esc } from "./escape.js";
import { plural } from "../core/plural.js";
import { severityPainter } from "./severity-color.js";

export interface RunningTableOptions extends TableWidthOption {
  /** Every loaded module, not only those that are tainted, missing from the tree, or have findings. */
  all?: boolean;
  color?: boolean;
}

/** The running-system fields of the JSON report. */
export function runningJson(r: RunningSystem) {
  return {
    release: r.release,
    tree: r.tree,
    tainted: r.tainted && {
      value: r.tainted.value,
      flags: r.tainted.flags.map((f) => ({ bit: f.bit, letter: f.letter, name: f.name, meaning: f.meaning })),
    },
    loaded:
      r.loaded?.map((m) => ({
        name: m.name,
        state: m.state,
        size: m.size,
        refcount: m.refcount,
        usedBy: m.usedBy,
        permanent: m.permanent,
        taint: explainModuleTaint(m.taint),
        path: m.path,
      })) ?? null,
    notes: r.notes,
  };
}

// The minimums fill a 60-column table: "permanent" and "unloading" keep to one line. The file
// weighs most: a path cannot wrap, it is cut, while the taint's explanations wrap.
const COLUMNS: readonly Column[] = [
  { head: "Loaded module", min: 8, weight: 4 },
  { head: "State", min: 9, weight: 2 },
  { head: "Taint", min: 8, weight: 4 },
  { head: "File in the tree", min: 10, weight: 7 },
  { head: "Findings of the file", min: 9, weight: 4 },
];

const MODULE_FLAG_LETTERS = new Set(TAINT_FLAGS.filter((f) => f.moduleMeaning !== null).map((f) => f.letter));

/** One line per kernel taint flag; for the flags modules carry, which loaded modules carry it. */
function kernelTaintLines(r: RunningSystem): string[] {
  if (r.tainted === null) return [];
  if (r.tainted.flags.length === 0) return [`Kernel taint: 0 (not tainted).`];
  const lines = [`Kernel taint ${r.tainted.value}:`];
  for (const f of r.tainted.flags) {
    let carriers = "";
    if (r.loaded !== null && MODULE_FLAG_LETTERS.has(f.letter)) {
      const names = r.loaded.filter((m) => m.taint.includes(f.letter)).map((m) => esc(m.name));
      carriers = names.length
        ? ` — loaded now: ${names.join(", ")}`
        : " — no module loaded now carries it (set by one since unloaded, or whose load failed)";
    }
    lines.push(`  ${f.letter}  ${f.meaning}${carriers}`);
  }
  return lines;
}

/** The loaded-modules section of the table report. */
export function renderRunningSection(
  r: RunningSystem,
  modules: readonly AuditedModule[],
  options: RunningTableOptions = {},
): string {
  const paint = severityPainter(options.color);
  const byPath = new Map(modules.map((m) => [m.path, m]));
  const findingsOf = (m: RunningModule) => (m.path === null ? [] : (byPath.get(m.path)?.findings ?? []));
  const lines: string[] = [];
  if (r.loaded === null) lines.push(`Kernel ${esc(r.release)} (${esc(r.tree)}): loaded modules unknown, see below.`);
  else {
    const tainted = r.loaded.filter((m) => m.taint !== "").length;
    const missing = r.loaded.filter((m) => m.path === null).length;
    const counts = `${plural(r.loaded.length, "module")} loaded, ${tainted} tainted, ${missing} not found`;
    lines.push(`Running kernel ${esc(r.release)}: ${counts} in ${esc(r.tree)}.`);
    const rows = r.loaded.filter(
      (m) => options.all || m.taint !== "" || m.path === null || m.state !== "live" || findingsOf(m).length > 0,
    );
    if (rows.length > 0) {
      const cells = rows.map((m): Cell[] => {
        // Users are left to JSON: listing them would squeeze the names the table is about.
        const state = m.permanent ? `${m.state}\npermanent` : m.state;
        const flags = explainModuleTaint(m.taint).map((t) => ({
          fit: "wrap" as const,
          text: `${esc(t.letter)} ${t.meaning}`,
        }));
        const file: Cell =
          m.path === null
            ? paint("warning", "not found: loaded from elsewhere, or the file was removed or renamed since")
            : [{ fit: "path", text: esc(m.path) }];
        const findings = [...findingsOf(m)]
          .sort(mostSevereFirst)
          .map((f) => ({ fit: "wrap" as const, text: paint(f.severity, `${f.severity} ${f.rule}`) }));
        return [esc(m.name), state, flags.length ? flags : "—", file, findings.length ? findings : "—"];
      });
      lines.push(renderBoxTable(COLUMNS, cells, options.width));
    } else {
      lines.push(
        "No loaded module is tainted, missing from the tree, changing state or has findings (--all lists " +
          "every loaded module).",
      );
    }
  }
  lines.push(...kernelTaintLines(r), ...r.notes.map(esc));
  return lines.join("\n");
}
