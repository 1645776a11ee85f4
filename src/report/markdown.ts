import type { AuditedModule, ScanResult } from "../core/results.js";
import type { Finding } from "../core/findings.js";
import { mostSevereFirst, SEVERITY_RANK, worstSeverity, type Severity } from "../core/findings.js";
import { auditIncomplete } from "../audit/not-judged.js";
import { failsAt } from "../policy/severity.js";
import { summaryOf } from "./json.js";
import { depmodSentences } from "./depmod-notes.js";
import { EXPORT_TYPES_UNKNOWN, notJudgedText, tableNoticeGiven } from "./not-judged.js";
import { ruleHelpUri } from "./links.js";
import { codeSpan, markdownText, truncate } from "./markdown-escape.js";
import { compareCodeUnits } from "../core/order.js";
import { plural } from "../core/plural.js";
import { kernelTables } from "./kernel-tables.js";
import { kernelGroups, kernelLabel, kernelSummary, severalKernels } from "./kernels.js";

export interface MarkdownOptions {
  /** Findings at or above this severity fail the audit; the heading says whether any do. */
  failOn?: Severity | "none";
  /**
   * Largest report in characters. GitHub refuses comments over 65,536; rows past the budget are
   * counted instead of shown.
   */
  maxLength?: number;
}

/** Symbols shown in one cell, and characters of one string from a binary. */
const MAX_SYMBOLS = 8;
const MAX_STRING = 120;
const MAX_MESSAGE = 400;

const cell = (s: string) => codeSpan(truncate(s, MAX_STRING), true);

function symbolsCell(f: Finding): string {
  if (f.symbols.length === 0) return "—";
  const shown = f.symbols.slice(0, MAX_SYMBOLS).map(cell).join(", ");
  return f.symbols.length > MAX_SYMBOLS ? `${shown} and ${f.symbols.length - MAX_SYMBOLS} more` : shown;
}

const severityCell = (s: Severity) => (s === "error" ? "**error**" : s);

/**
 * One row per finding; the module is named on its first row only, so rows read as a group. In a
 * scan of several kernels every row names its kernel (a report cut to size still says whose it is).
 */
function findingRows(m: AuditedModule, several: boolean): string[] {
  const sorted = [...m.findings].sort(mostSevereFirst);
  return sorted.map((f, i) => {
    const module = i === 0 ? `${cell(m.name)}<br>${cell(m.path)}` : "";
    const kernel = several ? ` ${cell(kernelLabel(m.kernel))} |` : "";
    return (
      `| ${module} |${kernel} ${severityCell(f.severity)} | [${f.rule}][] | ${symbolsCell(f)} | ` +
      `${markdownText(truncate(f.message, MAX_MESSAGE))} |`
    );
  });
}

const worst = (m: AuditedModule) => SEVERITY_RANK[worstSeverity(m.findings) ?? "info"];

/** Modules with errors first (then by path, as scanned), so that a report cut to size keeps what fails. */
function byWorstFinding(modules: AuditedModule[]): AuditedModule[] {
  return modules
    .filter((m) => m.findings.length > 0)
    .sort((a, b) => worst(b) - worst(a) || compareCodeUnits(a.path, b.path));
}

function headline(scan: ScanResult, failOn: Severity | "none"): string {
  const findings = scan.modules.flatMap((m) => m.findings);
  const withFindings = scan.modules.filter((m) => m.findings.length > 0).length;
  const bySeverity = (["error", "warning", "info"] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0);
  const tally = bySeverity.map(([s, n]) => (s === "info" ? `${n} info` : plural(n, s))).join(", ");
  const what = findings.length
    ? `${plural(findings.length, "finding")} in ${plural(withFindings, "module")} (${tally})`
    : "no findings";
  const failing = findings.some((f) => failsAt(f.severity, failOn));
  const verdict = auditIncomplete(scan) ? "audit incomplete" : failing ? `fails --fail-on ${failOn}` : "passes";
  return `### kmodaudit: ${what} — ${verdict}`;
}

/**
 * What a baseline did: stale entries are worth a reviewer's attention, since they would hide the
 * finding if it came back.
 */
function baselineNote(scan: ScanResult): string {
  const b = scan.baseline;
  if (!b) return "";
  const stale = b.stale.length
    ? `, ${b.stale.length} stale ${b.stale.length === 1 ? "entry" : "entries"} to remove`
    : "";
  return (
    ` Baseline ${codeSpan(truncate(b.file, MAX_STRING), false)}: ${plural(b.suppressed, "finding")} accepted, ` +
    `${b.narrowed} reported with only new symbols${stale}.`
  );
}

function scope(scan: ScanResult): string {
  const s = summaryOf(scan);
  const files =
    `${plural(s.files, "file")}: ${plural(s.modules, "module")}, ${plural(s.blobs, "blob")}, ${s.skipped} ` +
    `skipped, ${s.errors} unreadable.${baselineNote(scan)}`;
  const notJudged = scan.notJudged
    .map((n) => ` **Not judged:** ${markdownText(truncate(notJudgedText(n), MAX_MESSAGE))}`)
    .join("");
  if (!scan.kernel.gplOnlyKnown) {
    return tableNoticeGiven(scan)
      ? `${files}${notJudged}`
      : `${files}${notJudged} ${EXPORT_TYPES_UNKNOWN} (pass \`--symvers FILE\`).`;
  }
  const tables = kernelTables(scan.kernel).map((t) => codeSpan(truncate(t.file, MAX_STRING), false));
  return `${files}${notJudged} Kernel export table: ${tables.join(", ")} (${scan.kernel.exports} exports known).`;
}

/** The scope of a scan of several kernels: its files, then one line per kernel. */
function kernelsScope(scan: ScanResult): string {
  const s = summaryOf(scan);
  const files =
    `${plural(s.files, "file")}: ${plural(s.modules, "module")}, ${plural(s.blobs, "blob")}, ${s.skipped} ` +
    `skipped, ${s.errors} unreadable, ${plural(scan.kernels.length, "kernel")}.${baselineNote(scan)}`;
  const notJudged = scan.notJudged
    .map((n) => ` **Not judged:** ${markdownText(truncate(notJudgedText(n), MAX_MESSAGE))}`)
    .join("");
  const kernels = kernelGroups(scan).map(({ kernel, modules }) => {
    const k = kernelSummary(modules);
    const what = `${plural(k.modules, "module")}, ${plural(k.blobs, "blob")}, ${plural(k.total, "finding")}`;
    const tables = kernelTables(kernel).map((t) => codeSpan(truncate(t.file, MAX_STRING), false));
    const table = kernel.gplOnlyKnown
      ? `export table ${tables.join(", ")} (${kernel.exports} exports known)`
      : tableNoticeGiven(scan)
        ? "GPL-only kernel exports unknown"
        : `${EXPORT_TYPES_UNKNOWN} (pass \`--symvers FILE\`)`;
    const name = codeSpan(truncate(kernelLabel(kernel.release), MAX_STRING), false);
    return `- Kernel ${name}${kernel.running ? " (running)" : ""}: ${what}; ${table}.`;
  });
  return [`${files}${notJudged}`, "", ...kernels].join("\n");
}

/** The lines that fit in `budget` characters, and a note of how many did not. */
function fitted(lines: string[], budget: number, what: (n: number) => string): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (used + line.length + 1 > budget)
      return [...out, "", `*${what(lines.length - i)} not shown: the full list is in the JSON or SARIF report.*`];
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

const length = (lines: string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

/** Room for the notes `fitted` adds and the blank lines between sections. */
const SLACK = 400;

/**
 * A report for a pull-request comment: a headline with the verdict, what was scanned against
 * which kernel table, a table of findings grouped by module, and the files that could not be
 * read. Strings from binaries are escaped so they cannot format, link or mention anything.
 */
export function renderMarkdown(scan: ScanResult, options: MarkdownOptions = {}): string {
  const failOn = options.failOn ?? "error";
  const budget = options.maxLength ?? 60_000;
  const several = severalKernels(scan);
  const depmod = depmodSentences(scan, (t) => markdownText(truncate(t, MAX_STRING)));
  const head = [
    headline(scan, failOn),
    "",
    several ? kernelsScope(scan) : scope(scan),
    ...(depmod.length ? ["", depmod.join(" ")] : []),
  ];
  const rows = byWorstFinding(scan.modules).flatMap((m) => findingRows(m, several));
  const errors = scan.errors.map((e) => `| ${cell(e.path)} | ${markdownText(truncate(e.message, MAX_MESSAGE))} |`);
  const rules = [...new Set(scan.modules.flatMap((m) => m.findings.map((f) => f.rule)))];
  const links = rules.length ? ["", ...rules.map((r) => `[${r}]: ${ruleHelpUri(r)}`)] : [];
  // Unreadable files may take a quarter of the budget; findings get the rest.
  const errorBudget = Math.min(length(errors), Math.floor(budget / 4));
  const findingBudget = budget - length(head) - length(links) - errorBudget - SLACK;
  const table = rows.length
    ? [
        "",
        several
          ? "| Module | Kernel | Severity | Rule | Symbols | Finding |"
          : "| Module | Severity | Rule | Symbols | Finding |",
        several ? "| --- | --- | --- | --- | --- | --- |" : "| --- | --- | --- | --- | --- |",
        ...fitted(rows, findingBudget, (n) => plural(n, "more finding")),
      ]
    : [];
  const unreadable = errors.length
    ? [
        "",
        "#### Files that could not be read",
        "",
        "| File | Error |",
        "| --- | --- |",
        ...fitted(errors, budget - length(head) - length(links) - length(table) - SLACK, (n) =>
          plural(n, "more unreadable file"),
        ),
      ]
    : [];
  return [...head, ...table, ...unreadable, ...links].join("\n") + "\n";
}
