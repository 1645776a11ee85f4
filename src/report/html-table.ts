import type { AuditedModule } from "../core/results.js";
import {
  chainsOf,
  type Finding,
  mostSevereFirst,
  SEVERITY_RANK,
  worstSeverity,
  type RuleId,
} from "../core/findings.js";
import { escapeHtml as h } from "./html-escape.js";
import { licenseCell } from "./license-cell.js";
import { plural } from "../core/plural.js";
import { sortedUnique } from "../core/order.js";
import { kernelLabel } from "./kernels.js";

/**
 * The module table: rendered complete on the server side (readable without script), with the sort
 * keys and filter facets in data attributes for the page's script. Rule ids and severities are a
 * fixed vocabulary, so they may go into attributes as they are; everything else is escaped.
 */

export interface TableRow {
  module: AuditedModule;
  /** The row's element id, which the picture links to. */
  anchor: string;
}

/** The license cell: `text` to sort by, `html` to show. */
function licenseColumn(m: AuditedModule): { text: string; html: string } {
  const { standing, tags, verdict } = licenseCell(m);
  if (standing === "unknown") return { text: verdict, html: verdict };
  const tagsHtml = tags.map((t) => `<code>${h(t)}</code>`).join(" + ");
  const cls = standing === "gpl" ? "gpl" : "nongpl";
  return { text: tags.join(" + "), html: `${tagsHtml}<br><span class="verdict ${cls}">${verdict}</span>` };
}

/** Symbols behind a summary line that opens them. */
const symbolList = (summary: string, symbols: readonly string[]) =>
  `<details><summary>${summary}</summary><code class="symbols">${symbols.map(h).join(" ")}</code></details>`;

function findingItem(f: Finding): string {
  const badge = `<span class="badge ${f.severity}">${f.severity}</span>`;
  const parts = [`<li class="finding sev-${f.severity}">${badge} <code class="rule">${f.rule}</code> ${h(f.message)}`];
  const chains = chainsOf(f);
  if (chains.length) {
    const chainItem = (c: string[]) => `<li>${c.map((x) => `<code>${h(x)}</code>`).join(" → ")}</li>`;
    parts.push(`<ul class="chains">${chains.map(chainItem).join("")}</ul>`);
  }
  if (f.symbols.length) {
    parts.push(symbolList(plural(f.symbols.length, "symbol"), f.symbols));
  }
  if (f.suppressedSymbols?.length) {
    parts.push(symbolList(`${f.suppressedSymbols.length} more accepted by the baseline`, f.suppressedSymbols));
  }
  parts.push("</li>");
  return parts.join("");
}

/** Rows laid out at first (the page's script shows the rest on request): a browser is slow to sort thousands. */
export const TABLE_PAGE = 500;

/** The kernel cell of a scan of several kernels. */
function kernelColumn(m: AuditedModule): string {
  const label = kernelLabel(m.kernel);
  return `<td data-sort="${h(label)}"><code>${h(label)}</code></td>`;
}

function row({ module: m, anchor }: TableRow, index: number, several: boolean): string {
  const worst = worstSeverity(m.findings);
  const rules = sortedUnique(m.findings.map((f) => f.rule));
  const gplOnly = m.imports.filter((i) => i.provider?.gplOnly);
  const license = licenseColumn(m);
  const findings = [...m.findings].sort(mostSevereFirst);
  const providers = sortedUnique(gplOnly.map((i) => i.provider!.name));
  const sev = worst === null ? -1 : SEVERITY_RANK[worst];
  const tags =
    (m.kind === "blob" ? ' <span class="tag">blob</span>' : "") +
    (m.facts.dialect === "vmkernel" ? ' <span class="tag">VMkernel</span>' : "");
  const from = providers.length ? ` title="from ${h(providers.join(", "))}"` : "";
  return (
    `<tr id="${anchor}" data-rules="${rules.join(" ")}" data-sev="${sev}"${index >= TABLE_PAGE ? " hidden" : ""}>` +
    `<td data-sort="${h(m.name.toLowerCase())}"><strong>${h(m.name)}</strong><br>` +
    `<span class="path">${h(m.path)}</span>${tags}</td>` +
    (several ? kernelColumn(m) : "") +
    `<td data-sort="${h(license.text.toLowerCase())}">${license.html}</td>` +
    `<td data-sort="${sev}">${worst ? `<span class="badge ${worst}">${worst}</span>` : "—"}</td>` +
    `<td data-sort="${gplOnly.length}" class="num"${from}>${gplOnly.length}</td>` +
    `<td data-sort="${m.findings.length}" class="num">${m.findings.length}</td>` +
    `<td>${findings.length ? `<ul class="findings">${findings.map(findingItem).join("")}</ul>` : "—"}</td>` +
    "</tr>"
  );
}

const COLUMNS: { label: string; type: "text" | "number" }[] = [
  { label: "Module", type: "text" },
  { label: "License", type: "text" },
  { label: "Severity", type: "number" },
  { label: "GPL-only imports", type: "number" },
  { label: "Findings", type: "number" },
];

const KERNEL_COLUMN = { label: "Kernel", type: "text" } as const;

/**
 * The table of these rows; `several`: the scan held several kernels, and a column after the
 * module's names each row's kernel (sortable, so that a kernel's rows can be read together).
 */
export function renderModuleTable(rows: readonly TableRow[], rulesPresent: readonly RuleId[], several = false): string {
  const columnList = several ? [COLUMNS[0]!, KERNEL_COLUMN, ...COLUMNS.slice(1)] : COLUMNS;
  const button = (c: (typeof COLUMNS)[number], i: number) =>
    `<button type="button" data-col="${i}" data-type="${c.type}">${c.label}</button>`;
  const head =
    columnList.map((c, i) => `<th scope="col" aria-sort="none">${button(c, i)}</th>`).join("") +
    '<th scope="col">Details</th>';
  const ruleOptions = rulesPresent.map((r) => `<option value="${r}">${r}</option>`).join("");
  const shown =
    rows.length > TABLE_PAGE
      ? `first ${TABLE_PAGE} of ${rows.length} matching`
      : `${rows.length} of ${rows.length} shown`;
  const columns =
    '<col class="c-module">' +
    (several ? '<col class="c-kernel">' : "") +
    '<col class="c-license"><col class="c-num"><col class="c-num"><col class="c-num">' +
    '<col class="c-details">';
  return [
    '<div class="filters">',
    '<label>Rule <select id="filter-rule"><option value="">any</option>' + ruleOptions + "</select></label>",
    '<label>Severity at least <select id="filter-severity"><option value="-1">any</option>' +
      '<option value="0">info</option><option value="1">warning</option><option value="2">error</option>' +
      "</select></label>",
    '<label>Name or path <input id="filter-text" type="search" placeholder="filter"></label>',
    `<span id="filter-count" aria-live="polite">${shown}</span>`,
    `<button type="button" id="show-all"${rows.length > TABLE_PAGE ? "" : " hidden"}>Show all ${rows.length}</button>`,
    "</div>",
    `<table id="modules" data-page="${TABLE_PAGE}"><colgroup>${columns}</colgroup>`,
    `<thead><tr>${head}</tr></thead><tbody>`,
    ...rows.map((r, i) => row(r, i, several)),
    "</tbody></table>",
  ].join("\n");
}
