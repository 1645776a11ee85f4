import { upgradeLines } from "./upgrade-lines.js";
import type { AuditedModule, ScanKernel, ScanResult } from "../core/results.js";
import { mostSevereFirst } from "../core/findings.js";
import { renderBoxTable, tableWidth, type Cell, type Column, type TableWidthOption } from "./box-table.js";
import { escapeForTerminal as esc } from "./escape.js";
import { severityPainter } from "./severity-color.js";
import { licenseCell } from "./license-cell.js";
import { moreSymbols } from "./left-out.js";
import { wrapText } from "./text-fit.js";
import { summaryOf } from "./json.js";
import { depmodSentences } from "./depmod-notes.js";
import { renderRunningSection } from "./running.js";
import { renderBaselineSection } from "./baseline.js";
import { EXPORT_TYPES_UNKNOWN, notJudgedLines, tableNoticeGiven } from "./not-judged.js";
import { plural } from "../core/plural.js";
import { foundBesideScan, kernelTables } from "./kernel-tables.js";
import type { TableSource } from "../core/kernel.js";
import { type KernelGroup, kernelGroups, kernelLabel, kernelSummary, kernelTitle, severalKernels } from "./kernels.js";

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

/** The box table of these modules' rows (those with findings, or every one with --all), or nothing. */
function moduleTable(modules: readonly AuditedModule[], options: TableOptions): string | null {
  const paint = severityPainter(options.color);
  const rows = modules.filter((m) => options.all || m.findings.length > 0);
  if (rows.length === 0) return null;
  const cells = rows.map((m): Cell[] => {
    const findings = [...m.findings].sort(mostSevereFirst).map((f) => ({
      fit: "wrap" as const,
      text: `${paint(f.severity, `${f.severity} ${f.rule}`)}: ${esc(f.message)}`,
      leftOut: moreSymbols(f.symbols),
    }));
    return [moduleCell(m), licenseColumn(m), findings.length ? findings : "—"];
  });
  return renderBoxTable(COLUMNS, cells, options.width);
}

/** A kernel's heading over its rows: its release, what its modules came to, the tables they resolved against. */
function kernelHeading({ kernel, modules }: KernelGroup): string {
  const s = kernelSummary(modules);
  const counts = Object.entries(s.findings).map(([rule, n]) => `${rule} ${n}`);
  const tables = kernelTables(kernel).map((t) => esc(t.file));
  return (
    `Kernel ${esc(kernelTitle(kernel))}: ${plural(s.modules, "module")}, ${plural(s.blobs, "blob")}; ` +
    (counts.length ? `findings: ${counts.join(", ")}` : "no findings") +
    ` — ${tables.length ? `table${tables.length > 1 ? "s" : ""} ${tables.join(", ")}` : "no kernel table"}`
  );
}

/** The line under the report on a kernel's export table, naming the kernel when the scan held several. */
function kernelTableLine(kernel: Pick<ScanKernel, "sources" | "exports" | "release">, named: boolean): string {
  const which = named ? `Kernel ${esc(kernelLabel(kernel.release))} export table` : "Kernel export table";
  const found = (t: TableSource) => (foundBesideScan(t) ? " (found beside the scan)" : "");
  const tables = kernelTables(kernel).map((t) => `${esc(t.file)}${found(t)}`);
  // The embedded database keeps no CRCs, so symbol-version-mismatch had nothing to compare.
  const crcs = kernel.sources.some((t) => t.kind === "embedded")
    ? " Symbol versions (CRCs) were not checked: the embedded database has none (pass --symvers FILE to check them)."
    : "";
  return `${which}: ${tables.join(", ")} — ${kernel.exports} exports known.${crcs}`;
}

export function renderTable(result: ScanResult, options: TableOptions = {}): string {
  const paint = severityPainter(options.color);
  const lines: string[] = [];
  // Text under the table keeps to the table's width too: a scan's summary runs to hundreds of columns.
  const fit = (text: string) => wrapText(text, tableWidth(options.width)).lines.join("\n");
  const several = severalKernels(result);
  const groups = several ? kernelGroups(result) : [];
  if (several) {
    for (const group of groups) {
      lines.push(fit(kernelHeading(group)));
      const table = moduleTable(group.modules, options);
      if (table !== null) lines.push(table);
    }
  } else {
    const table = moduleTable(result.modules, options);
    if (table !== null) lines.push(table);
  }
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
  for (const line of depmodSentences(result, esc)) lines.push(fit(line));
  for (const line of notJudgedLines(result)) lines.push(fit(`${paint("error", "not judged")} ${line}`));
  for (const line of upgradeLines(result.modules)) lines.push(fit(line));
  if (several) {
    for (const { kernel } of groups) {
      if (kernel.gplOnlyKnown) lines.push(fit(kernelTableLine(kernel, true)));
      else if (!tableNoticeGiven(result))
        lines.push(fit(`Kernel ${esc(kernelLabel(kernel.release))}: ${EXPORT_TYPES_UNKNOWN} (pass --symvers FILE).`));
    }
  } else if (!result.kernel.gplOnlyKnown) {
    if (!tableNoticeGiven(result)) lines.push(fit(`${EXPORT_TYPES_UNKNOWN} (pass --symvers FILE).`));
  } else lines.push(fit(kernelTableLine(result.kernel, false)));
  return lines.join("\n") + "\n";
}
