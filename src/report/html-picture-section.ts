import type { Picture } from "./html-picture.js";
import { renderPictureSvg } from "./html-svg.js";
import { plural } from "../core/plural.js";

/** The picture's section: a legend, what was drawn and what was left out, and the drawing itself. */

function legend(): string {
  const line = (cls: string, text: string) =>
    `<li><svg width="46" height="12" aria-hidden="true">` +
    `<g class="edge ${cls}"><path d="M2,6 L44,6"/></g></svg> ${text}</li>`;
  const box = (cls: string, text: string) =>
    `<li><svg width="30" height="16" aria-hidden="true">` +
    `<g class="node ${cls}"><rect x="1" y="1" width="28" height="14" rx="3"/></g></svg> ${text}</li>`;
  return [
    '<ul class="legend">',
    line(
      "gpl-only violation",
      "GPL-only symbols used by a non-GPL module, or reached for one through a shim " +
        "(VMkernel: any symbol of a GPL module)",
    ),
    line("gpl-only", "GPL-only symbols used by a GPL module"),
    line("shim", "non-GPL module → GPL shim whose exports reach GPL-only code"),
    line("proprietary", "GPL module → proprietary module (taint inherited)"),
    line("plain", "other dependency"),
    "</ul>",
    '<ul class="legend">',
    box("sev-error", "worst finding: error"),
    box("sev-warning", "warning"),
    box("sev-info", "info"),
    box("no-findings", "no findings (provider or chain member)"),
    box("unscanned", "named by a kernel table, not scanned"),
    box("nongpl sev-error", "thick border: not GPL-compatible"),
    "</ul>",
  ].join("\n");
}

function note(p: Picture): string {
  const drawn =
    `Drawn: ${plural(p.nodes.length, "box", "boxes")}: ${p.drawnWithFindings} of the ` +
    `${plural(p.withFindings, "module")} with findings, most serious first, with the providers of their ` +
    "GPL-only imports, the shims they go through and the modules those chains start from.";
  const left: string[] = [];
  if (p.withFindings > p.drawnWithFindings)
    left.push(`${plural(p.withFindings - p.drawnWithFindings, "module")} with findings (they are in the table below)`);
  if (p.omittedPlainEdges)
    left.push(`${plural(p.omittedPlainEdges, "plain dependency edge")} to modules without findings`);
  if (p.plainKernelImporters)
    left.push(`the plain (not GPL-only) imports from vmlinux of ${plural(p.plainKernelImporters, "drawn module")}`);
  left.push("modules without findings that are in no chain");
  const how =
    "Point at a box to highlight its edges; click it to go to its row in the table; point at an edge for its symbols.";
  const kernels = p.nodes.some((n) => n.kernel !== null)
    ? " Each kernel is drawn on its own under its release: a module resolves only within its kernel, and one in " +
      "two kernels is two boxes."
    : "";
  return `<p class="note" id="picture-note">${drawn}${kernels} Left out: ${left.join("; ")}. ${how}</p>`;
}

/** `anchors`: a module's key → the id of its table row, where it has one. */
export function pictureSection(picture: Picture, anchors: ReadonlyMap<string, string>): string {
  if (picture.nodes.length === 0) return "<p>Nothing to draw: no module has findings.</p>";
  return `${legend()}\n${note(picture)}\n<div class="picture">${renderPictureSvg(picture, anchors)}</div>`;
}
