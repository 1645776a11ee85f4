import { countedSkips, type BaselineReport, type ScanResult } from "../core/results.js";
import { RULES } from "../rules/meta.js";
import type { RuleId, Severity } from "../core/findings.js";
import { escapeHtml as h } from "./html-escape.js";
import { effectiveSeverity } from "../policy/severity.js";
import { summaryOf } from "./json.js";
import { EXPORT_TYPES_UNKNOWN, tableNoticeGiven } from "./not-judged.js";
import { plural } from "../core/plural.js";
import { foundBesideScan, kernelTables } from "./kernel-tables.js";
import type { TableSource } from "../core/kernel.js";
import { kernelGroups, kernelLabel, kernelSummary, severalKernels } from "./kernels.js";
import { depmodSentences } from "./depmod-notes.js";

/** The HTML report's text sections: summary, errors, skipped files, baseline. */

export function findingTotal(result: ScanResult): number {
  return Object.values(summaryOf(result).findings).reduce((a, b) => a + (b ?? 0), 0);
}

/** The severity a rule's findings carry in this report: a policy may have changed the default. */
function severityOf(result: ScanResult, rule: RuleId): Severity {
  const set = effectiveSeverity(result, rule);
  return set === "off" ? RULES[rule].severity : set;
}

/** What could not be judged, first in the summary: the audit is incomplete however clean the rest reads. */
function notJudgedNote(result: ScanResult): string[] {
  if (result.notJudged.length === 0) return [];
  const items = result.notJudged.map(
    (n) => `<li>${n.path === undefined ? "" : `<code>${h(n.path)}</code>: `}${h(n.message)}</li>`,
  );
  const note = '<p class="warn-note">The audit is incomplete: it could not judge the following.</p>';
  return [`${note}<ul id="not-judged">${items.join("")}</ul>`];
}

export function summarySection(result: ScanResult): string {
  const s = summaryOf(result);
  const counts: [string, number][] = [
    ["files", s.files],
    ["modules", s.modules],
    ["blobs", s.blobs],
    ["skipped", s.skipped],
    ["errors", s.errors],
    ["findings", findingTotal(result)],
  ];
  const countItems = counts.map(([k, n]) => `<li data-count="${k}"><b>${n}</b>${k}</li>`).join("");
  const out = [...notJudgedNote(result), `<ul class="counts" id="counts">${countItems}</ul>`];
  for (const line of depmodSentences(result, h)) out.push(`<p class="depmod-note">${line}</p>`);

  const byRule = Object.entries(s.findings) as [RuleId, number][];
  if (byRule.length) {
    out.push(
      '<h3>Findings by rule</h3><table id="rules"><thead><tr>' +
        "<th>Rule</th><th>Severity</th><th>Findings</th><th>Meaning</th></tr></thead><tbody>",
    );
    for (const [rule, n] of byRule) {
      const severity = severityOf(result, rule);
      const meaning = `${h(RULES[rule].title)}<details><summary>more</summary>${h(RULES[rule].help)}</details>`;
      const badge = `<span class="badge ${severity}">${severity}</span>`;
      out.push(`<tr><td><code>${rule}</code></td><td>${badge}</td><td class="num">${n}</td><td>${meaning}</td></tr>`);
    }
    out.push("</tbody></table>");
  } else {
    out.push("<p>No findings.</p>");
  }

  if (severalKernels(result)) {
    out.push(kernelsTable(result));
    return out.join("\n");
  }
  const k = result.kernel;
  const tables = kernelTables(k);
  out.push("<h3>Kernel export tables</h3>");
  if (tables.length) {
    const found = (t: TableSource) => (foundBesideScan(t) ? ", found beside the scan" : "");
    const items = tables.map((t) => `<li><code>${h(t.file)}</code> (${h(t.kind)}${found(t)})</li>`);
    out.push(`<ul id="tables">${items.join("")}</ul>`);
  }
  const facts = [`${k.exports} exports known (tables and scanned modules)`];
  if (k.release) facts.push(`target release <code>${h(k.release)}</code>`);
  out.push(`<p>${facts.join("; ")}.</p>`);
  if (!k.gplOnlyKnown && !tableNoticeGiven(result)) {
    out.push(`<p class="warn-note">${EXPORT_TYPES_UNKNOWN} (pass --symvers FILE).</p>`);
  }
  return out.join("\n");
}

/** A scan of several kernels: one row per kernel, with what its modules came to and the tables they resolved against. */
function kernelsTable(result: ScanResult): string {
  const found = (t: TableSource) => (foundBesideScan(t) ? ", found beside the scan" : "");
  const rows = kernelGroups(result).map(({ kernel, modules }) => {
    const s = kernelSummary(modules);
    const tables = kernelTables(kernel).map((t) => `<code>${h(t.file)}</code> (${h(t.kind)}${found(t)})`);
    const known = kernel.gplOnlyKnown
      ? ""
      : `<br><span class="warn-note">${EXPORT_TYPES_UNKNOWN}` +
        `${tableNoticeGiven(result) ? "" : " (pass --symvers FILE)"}.</span>`;
    const running = kernel.running ? ' <span class="tag">running</span>' : "";
    return (
      `<tr><td><code>${h(kernelLabel(kernel.release))}</code>${running}</td><td class="num">${s.modules}</td>` +
      `<td class="num">${s.blobs}</td><td class="num">${s.total}</td>` +
      `<td>${tables.join("<br>") || "—"}${known}</td><td class="num">${kernel.exports}</td></tr>`
    );
  });
  const head =
    "<thead><tr><th>Kernel</th><th>Modules</th><th>Blobs</th><th>Findings</th><th>Export tables</th>" +
    "<th>Exports known</th></tr></thead>";
  return `<h3>Kernels</h3><table id="kernels">${head}<tbody>${rows.join("")}</tbody></table>`;
}

export function errorsSection(result: ScanResult): string {
  if (result.errors.length === 0) return "<p>None: every file the scan reached was read.</p>";
  const rows = result.errors.map(
    (e) =>
      `<tr><td><code>${h(e.path)}</code></td><td>${e.structure ? h(e.structure) : "—"}</td>` +
      `<td class="num">${e.offset ?? "—"}</td><td>${h(e.message)}</td></tr>`,
  );
  const files = plural(result.errors.length, "file");
  const note = `<p class="warn-note">The audit is incomplete: ${files} could not be read or parsed.</p>`;
  const head = "<thead><tr><th>Path</th><th>Structure</th><th>Offset</th><th>Message</th></tr></thead>";
  return `${note}<table id="errors">${head}<tbody>${rows.join("")}</tbody></table>`;
}

export function skippedSection(result: ScanResult): string {
  const counted = countedSkips(result.skipCounts);
  if (result.skipped.length + counted === 0) return "";
  const listed = result.skipped.filter((s) => !s.member);
  const members = result.skipped.length - listed.length + counted;
  const items = listed.map((s) => `<li><code>${h(s.path)}</code>: ${h(s.reason)}</li>`).join("");
  const memberNote = members
    ? ` ${plural(members, "archive member")} that are not modules are counted but not listed.`
    : "";
  const shadowed = result.skipped.filter((s) => s.shadowedBy !== undefined).length;
  const what = shadowed
    ? `not modules, or ${plural(shadowed, "copy", "copies")} of a module another copy shadows`
    : "not modules";
  const summary = `${plural(result.skipped.length + counted, "file")} skipped: ${what}.${memberNote}`;
  return `<details id="skipped"><summary>${summary}</summary><ul>${items}</ul></details>`;
}

/** Stale entries are shown as warnings: left in place they would accept the finding if it came back. */
export function baselineSection(b: BaselineReport): string {
  const head =
    `<p>Baseline <code>${h(b.file)}</code>: ${plural(b.suppressed, "finding")} suppressed` +
    (b.narrowed ? `, ${plural(b.narrowed, "finding")} reported with only the symbols it gained` : "") +
    (b.stale.length ? `, ${b.stale.length} stale ${b.stale.length === 1 ? "entry" : "entries"}.` : ".") +
    "</p>";
  if (!b.stale.length) return head;
  const items = b.stale.map((e) => {
    const what = e.symbols.length
      ? `${e.symbols.map((s) => `<code>${h(s)}</code>`).join(", ")} no longer found`
      : "finding no longer present";
    const entry = `<code>${h(e.rule)}</code> on <code>${h(e.module)}</code>`;
    return `<li><span class="badge warning">stale</span> ${entry}: ${what} (justification: ${h(e.justification)})</li>`;
  });
  const advice = `<p>Remove them from <code>${h(b.file)}</code>, or rerun <code>kmodaudit baseline write</code>.</p>`;
  return `${head}<ul id="stale">${items.join("")}</ul>${advice}`;
}
