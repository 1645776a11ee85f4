import { createHash } from "node:crypto";
import type { ScanResult } from "../core/results.js";
import { VERSION } from "../version.js";
import { SCRIPT, STYLE } from "./html-assets.js";
import { escapeHtml as h } from "./html-escape.js";
import { buildPicture, DEFAULT_PICTURE_LIMITS, type PictureLimits } from "./html-picture.js";
import { pictureSection } from "./html-picture-section.js";
import { baselineSection, errorsSection, findingTotal, skippedSection, summarySection } from "./html-sections.js";
import { renderModuleTable, type TableRow } from "./html-table.js";
import { plural } from "../core/plural.js";
import { severalKernels } from "./kernels.js";
import { sortedUnique } from "../core/order.js";

/**
 * One self-contained HTML page for people: summary, errors, a drawn dependency picture and a
 * sortable module table. Everything is inline and the Content-Security-Policy forbids every fetch,
 * so the file can be attached to a CI run and opened anywhere, offline. No timestamp: the same scan
 * gives the same bytes.
 */

export interface HtmlOptions {
  /** Every module in the table, not only those with findings. */
  all?: boolean;
  /** Bounds of the dependency picture. */
  picture?: PictureLimits;
}

const sha256 = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

/** Nothing may be fetched; only the page's own style sheet and script, by hash, apply. */
function contentSecurityPolicy(): string {
  return [
    `default-src 'none'`,
    `style-src ${sha256(STYLE)}`,
    `script-src ${sha256(SCRIPT)}`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join("; ");
}

export function renderHtml(result: ScanResult, options: HtmlOptions = {}): string {
  const rows: TableRow[] = result.modules
    .map((m, i) => ({ module: m, anchor: `m-${i}` }))
    .filter((r) => options.all || r.module.findings.length > 0);
  const anchors = new Map(rows.map((r) => [r.module.path, r.anchor]));
  const rulesPresent = sortedUnique(result.modules.flatMap((m) => m.findings.map((f) => f.rule)));
  const scanned = result.modules.length;
  const title = `kmodaudit report: ${plural(scanned, "module")}, ${plural(findingTotal(result), "finding")}`;
  const tableIntro = options.all
    ? `<p>Every module and blob scanned (${rows.length}). Click a column header to sort.</p>`
    : `<p>The ${plural(rows.length, "module")} with findings, out of ${scanned} scanned (all of them with ` +
      `<code>--all</code>). Click a column header to sort.</p>`;

  const body = [
    `<h1>${h(title)}</h1>`,
    `<p class="note">kmodaudit ${h(VERSION)}. Strings read from binaries are shown with invisible and ` +
      `control characters escaped (<code>\\xNN</code>, <code>\\uNNNN</code>).</p>`,
    '<section id="summary"><h2>Summary</h2>',
    summarySection(result),
    ...(result.baseline ? ["<h3>Baseline</h3>", baselineSection(result.baseline)] : []),
    "</section>",
    '<section id="errors-section"><h2>Errors</h2>',
    errorsSection(result),
    skippedSection(result),
    "</section>",
    '<section id="picture-section"><h2>Dependency picture</h2>',
    pictureSection(buildPicture(result, options.picture ?? DEFAULT_PICTURE_LIMITS), anchors),
    "</section>",
    '<section id="modules-section"><h2>Modules</h2>',
    rows.length
      ? `${tableIntro}\n${renderModuleTable(rows, rulesPresent, severalKernels(result))}`
      : "<p>No module has findings.</p>",
    "</section>",
  ];

  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${h(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...body,
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
