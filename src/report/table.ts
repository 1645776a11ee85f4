import type { AuditedModule, ScanResult } from "../core/results.js";
import { mostSevereFirst } from "../core/findings.js";
import { renderBoxTable, tableWidth, type Cell, type Column, type TableWidthOption } from "./box-table.js";
import { escapeForTerminal as esc } from "./escape.js";
import { severityPainter } from "./severity-color.js";
import { licenseCell } from "./license-cell.js";
import { moreSymbols } from "./left-out.js";
import { wrapText } from "./text-fit.js";
import { summaryOf } from "./json.js";
import { renderRunningSection } from "./running.js";
import { renderBaselineSection } from "./baseline.js";
import { EXPORT_TYPES_UNKNOWN, notJudgedLines, tableNoticeGiven } from "./not-judged.js";
import { plural } from "../core/plural.js";
import { foundBesideScan, kernelTables } from "./kernel-tables.js";
import type { TableSource } from "../core/kernel.js";

export interface TableOptions extends TableWidthOption {
  /** Every module, not only those with findings. */
  all?: boolean;
  color?: boolean;
}

const COLUMNS: readonly Column[] = [
  { head: "Module", min: 12, weight: 3 },
  { head: "License", min: 11, weight: 2 },
  { head: "Findings", min: 20, weight: 7 },
];

function moduleCell(m: AuditedModule): Cell {
  return [
    { fit: "wrap", text: esc(m.name) },
    { fit: "path", text: esc(m.path) },
  ];
}

function licenseColumn(m: AuditedModule): Cell {
  const { standing, tags, verdict } = licenseCell(m);
  if (standing === "unknown") return verdict;
  return [
    { fit: "wrap", text: tags.map(esc).join(" + "), maxLines: 3 },
    { fit: "wrap", text: verdict },
  ];
}

export function renderTable(result: ScanResult, options: TableOptions = {}): string {
  const paint = severityPainter(options.color);
  const rows = result.modules.filter((m) => options.all || m.findings.length > 0);
  const lines: string[] = [];
  if (rows.length > 0) {
    const cells = rows.map((m): Cell[] => {
      const findings = [...m.findings].sort(mostSevereFirst).map((f) => ({
        fit: "wrap" as const,
        text: `${paint(f.severity, `${f.severity} ${f.rule}`)}: ${esc(f.message)}`,
        leftOut: moreSymbols(f.symbols),
      }));
      return [moduleCell(m), licenseColumn(m), findings.length ? findings : "—"];
    });
    lines.push(renderBoxTable(COLUMNS, cells, options.width));
  }
  // Text under the table keeps to the table's width too: a scan's summary runs to hundreds of columns.
  const fit = (text: string) => wrapText(text, tableWidth(options.width)).lines.join("\n");
  for (const e of result.errors) lines.push(fit(`${paint("error", "error")} ${esc(e.path)}: ${esc(e.message)}`));
  if (result.running) lines.push(renderRunningSection(result.running, result.modules, options));
  if (result.baseline) lines.push(renderBaselineSection(result.baseline, (w) => paint("warning", w)));
  const s = summaryOf(result);
  const counts = Object.entries(s.findings).map(([rule, n]) => `${rule} ${n}`);
  lines.push(
    fit(
      `${plural(s.files, "file")}: ${plural(s.modules, "module")}, ${plural(s.blobs, "blob")}, ${s.skipped} ` +
        `skipped, ${plural(s.errors, "error")}; ` +
        (counts.length ? `findings: ${counts.join(", ")}` : "no findings"),
    ),
  );
  for (const line of notJudgedLines(result)) lines.push(fit(`${paint("error", "not judged")} ${line}`));
  if (!result.kernel.gplOnlyKnown) {
    if (!tableNoticeGiven(result)) lines.push(fit(`${EXPORT_TYPES_UNKNOWN} (pass --symvers FILE).`));
  } else {
    const found = (t: TableSource) => (foundBesideScan(t) ? " (found beside the scan)" : "");
    const tables = kernelTables(result.kernel).map((t) => `${esc(t.file)}${found(t)}`);
    // The embedded database keeps no CRCs, so symbol-version-mismatch had nothing to compare.
    const crcs = result.kernel.sources.some((t) => t.kind === "embedded")
      ? " Symbol versions (CRCs) were not checked: the embedded database has none (pass --symvers FILE to check them)."
      : "";
    lines.push(fit(`Kernel export table: ${tables.join(", ")} — ${result.kernel.exports} exports known.${crcs}`));
  }
  return lines.join("\n") + "\n";
}
