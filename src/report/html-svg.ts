import { escapeHtml, escapeLabel, visible } from "./html-escape.js";
import { layoutByKernel, type KernelHeading } from "./html-kernel-layout.js";
import { layeredLayout, type Point } from "./html-layout.js";
import type { Picture, PictureEdge, PictureNode } from "./html-picture.js";
import { plural } from "../core/plural.js";

/**
 * Draws the dependency picture as inline SVG: boxes coloured by their worst finding, edges by what
 * they carry. Labels use a monospace font so their width can be known here without a browser.
 */

const CHAR_WIDTH = 7.3; // 12px monospace
const SMALL_CHAR_WIDTH = 6.1; // 10px monospace
const MAX_LABEL = 36;
const BOX_HEIGHT = 40;
/** A box that names its kernel (a scan of several) has a third line. */
const KERNEL_LINE = 12;

function secondLine(n: PictureNode): string {
  if (n.kind === "kernel") return "kernel";
  if (n.kind === "unscanned") return "not scanned (table)";
  if (n.kind === "blob" && n.license === null) return "blob, license unknown";
  return `${n.license ?? "no license"}${n.nonGpl ? " · non-GPL" : ""}`;
}

/** Measured on the text as shown, control characters escaped. */
function boxWidth(n: PictureNode): number {
  const name = Math.min([...visible(n.name)].length, MAX_LABEL) * CHAR_WIDTH;
  const small = (text: string) => Math.min([...visible(text)].length, MAX_LABEL + 6) * SMALL_CHAR_WIDTH;
  return Math.round(Math.min(320, Math.max(90, name, small(secondLine(n)), small(n.kernel ?? "")) + 20));
}

function edgeLabel(e: PictureEdge): string {
  switch (e.kind) {
    case "gpl-only":
      return `${e.marked.length} GPL-only`;
    case "shim":
      return `via shim: ${plural(e.marked.length, "export")}`;
    case "proprietary":
      return `${plural(e.marked.length, "symbol")} of proprietary`;
    case "plain":
      return "";
  }
}

function edgeTitle(e: PictureEdge, names: Map<string, string>, kernel: string | null): string {
  const what = {
    "gpl-only": "GPL-only symbols",
    shim: "shim exports whose code reaches GPL-only symbols",
    proprietary: "symbols of a proprietary module",
    plain: "symbols",
  }[e.kind];
  const where = kernel === null ? "" : ` (kernel ${kernel})`;
  const lines = [`${names.get(e.from)} → ${names.get(e.to)}${where}: ${plural(e.symbols.length, "symbol")}`];
  if (e.marked.length) lines.push(`${what}: ${e.marked.join(", ")}`);
  else lines.push(e.symbols.join(", "));
  return lines.join("\n");
}

function pathData(points: Point[]): string {
  if (points.length === 0) return "";
  const f = (n: number) => Math.round(n * 10) / 10;
  let d = `M${f(points[0]!.x)},${f(points[0]!.y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const dx = (b.x - a.x) / 2;
    d += ` C${f(a.x + dx)},${f(a.y)} ${f(b.x - dx)},${f(b.y)} ${f(b.x)},${f(b.y)}`;
  }
  return d;
}

const MARKERS = [
  ["gpl-only", "#c00000"],
  ["shim", "#d26a00"],
  ["proprietary", "#7a3db8"],
  ["plain", "#8a8a8a"],
] as const;

/** `anchors` maps a node's key to the id of its row in the module table, where it has one. */
export function renderPictureSvg(picture: Picture, anchors: ReadonlyMap<string, string>): string {
  const ids = new Map(picture.nodes.map((n, i) => [n.key, `n${i}`]));
  const names = new Map(picture.nodes.map((n) => [n.key, n.name]));
  const kernels = new Map(picture.nodes.map((n) => [n.key, n.kernel]));
  const degree = new Map(picture.nodes.map((n) => [n.key, { in: 0, out: 0, labelled: 0 }]));
  for (const e of picture.edges) {
    degree.get(e.from)!.out++;
    if (e.kind !== "plain") degree.get(e.from)!.labelled++;
    degree.get(e.to)!.in++;
  }
  // A box many edges meet grows, so their ends stay apart; labelled edges leaving it need a line each.
  const sizes = new Map(
    picture.nodes.map((n) => {
      const d = degree.get(n.key)!;
      return [
        n.key,
        {
          width: boxWidth(n),
          height: Math.max(
            BOX_HEIGHT + (n.kernel === null ? 0 : KERNEL_LINE),
            7 * d.in,
            16 * d.labelled + 7 * (d.out - d.labelled) + 12,
          ),
        },
      ];
    }),
  );
  const boxes = picture.nodes.map((n) => ({ id: n.key, ...sizes.get(n.key)! }));
  const ends = picture.edges.map((e) => ({ from: e.from, to: e.to }));
  const byKernel = picture.nodes.some((n) => n.kernel !== null);
  const layout = byKernel
    ? layoutByKernel(boxes, ends, new Map(picture.nodes.map((n) => [n.key, n.kernel ?? ""])))
    : { ...layeredLayout(boxes, ends), headings: [] as KernelHeading[] };

  const out: string[] = [];
  const [w, h] = [Math.ceil(layout.width), Math.ceil(layout.height)];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" id="picture" width="${w}" height="${h}" ` +
      `viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="picture-title">`,
  );
  const counted = `${plural(picture.nodes.length, "module")}, ${plural(picture.edges.length, "edge")}`;
  out.push(`<title id="picture-title">Dependency picture: ${counted}</title>`);
  out.push("<defs>");
  for (const [kind, colour] of MARKERS) {
    out.push(
      `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" ` +
        `markerWidth="10" markerHeight="10" orient="auto-start-reverse">` +
        `<path d="M0,0L10,5L0,10z" fill="${colour}"/></marker>`,
    );
  }
  out.push("</defs>");
  // Presentation attributes rather than classes: the page's style sheet is the same with one kernel.
  for (const h of layout.headings)
    out.push(
      `<text x="16" y="${Math.round(h.y)}" font-size="12" font-weight="600">Kernel ${escapeHtml(h.release)}</text>`,
    );

  // Edges first, so boxes are drawn over their ends; plain ones first, so marked ones stay on top.
  const order = picture.edges
    .map((_e, i) => i)
    .sort((a, b) => Number(picture.edges[a]!.kind !== "plain") - Number(picture.edges[b]!.kind !== "plain") || a - b);
  out.push('<g class="edges">');
  for (const i of order) {
    const e = picture.edges[i]!;
    const points = layout.edges[i]!;
    const classes = ["edge", e.kind, ...(e.violation ? ["violation"] : [])].join(" ");
    const ends = `data-from="${ids.get(e.from)}" data-to="${ids.get(e.to)}"`;
    const title = edgeTitle(e, names, kernels.get(e.from) ?? null);
    out.push(`<g class="${classes}" ${ends}><title>${escapeHtml(title)}</title>`);
    out.push(`<path d="${pathData(points)}" marker-end="url(#arrow-${e.kind})"/>`);
    const label = edgeLabel(e);
    if (label && points.length >= 2)
      out.push(
        `<text x="${Math.round(points[0]!.x + 8)}" y="${Math.round(points[0]!.y - 4)}">${escapeHtml(label)}</text>`,
      );
    out.push("</g>");
  }
  out.push("</g>");

  out.push('<g class="nodes">');
  for (const n of picture.nodes) {
    const p = layout.nodes.get(n.key)!;
    const { width, height } = sizes.get(n.key)!;
    const classes = [
      "node",
      n.kind,
      n.severity ? `sev-${n.severity}` : "no-findings",
      ...(n.nonGpl ? ["nongpl"] : []),
    ].join(" ");
    const title = [
      n.name,
      secondLine(n),
      n.kernel === null ? "" : `kernel ${n.kernel}`,
      n.kind === "unscanned" ? `named by a kernel table, not scanned: ${n.name}` : n.kind === "kernel" ? "" : n.key,
      n.severity ? `worst finding: ${n.severity}` : "no findings",
    ]
      .filter(Boolean)
      .join("\n");
    const anchor = anchors.get(n.key);
    const open = anchor ? `<a href="#${anchor}">` : "";
    const close = anchor ? "</a>" : "";
    // The kernel is a pill rather than an ellipse: edges end on the box's straight left side.
    const rx = n.kind === "kernel" ? 18 : 5;
    const shape = `<rect x="${p.x}" y="${p.y}" width="${width}" height="${height}" rx="${rx}"/>`;
    // The kernel's line goes under the other two, which move up by half of it.
    const lift = n.kernel === null ? 0 : KERNEL_LINE / 2;
    const [x, mid] = [p.x + width / 2, p.y + height / 2 - lift];
    const name = escapeLabel(n.name, MAX_LABEL);
    const sub = escapeLabel(secondLine(n), MAX_LABEL + 6);
    const kernel =
      n.kernel === null
        ? ""
        : `<text class="release" x="${x}" y="${Math.round(mid + 11 + KERNEL_LINE)}" font-size="10">` +
          `${escapeLabel(n.kernel, MAX_LABEL + 6)}</text>`;
    out.push(
      `${open}<g class="${classes}" id="${ids.get(n.key)}"><title>${escapeHtml(title)}</title>${shape}` +
        `<text class="name" x="${x}" y="${Math.round(mid - 3)}">${name}</text>` +
        `<text class="sub" x="${x}" y="${Math.round(mid + 11)}">${sub}</text>${kernel}</g>${close}`,
    );
  }
  out.push("</g></svg>");
  return out.join("\n");
}
