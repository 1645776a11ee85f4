import type { DepsNode, DepsView } from "../audit/deps.js";
import type { DependencyEdge } from "../core/graph.js";
import { renderBoxTable, type Cell, type Column, type TableWidthOption } from "./box-table.js";
import { escapeForTerminal as esc } from "./escape.js";
import { moreSymbols } from "./left-out.js";
import { plural } from "../core/plural.js";

const gplCount = (e: DependencyEdge) => e.symbols.filter((s) => s.gplOnly).length;
const edgeLabel = (e: DependencyEdge) =>
  `${plural(e.symbols.length, "symbol")}${gplCount(e) ? `, ${gplCount(e)} GPL-only` : ""}`;

/**
 * Where a node is, for telling it apart from another of the same name in the view (the same module
 * file twice in one kernel, as a tree and its initramfs hold it): its path, else null.
 */
function whereOf(view: DepsView): (n: DepsNode) => string | null {
  const count = new Map<string, number>();
  for (const n of view.nodes) count.set(n.name, (count.get(n.name) ?? 0) + 1);
  return (n) => (count.get(n.name)! > 1 ? (n.path ?? n.key) : null);
}

/** A node's label, a line each: its name, where it is when that tells it apart, its license when known. */
const labelLines = (n: DepsNode, where: (n: DepsNode) => string | null) => [
  n.name,
  ...(where(n) === null ? [] : [where(n)!]),
  ...(n.license ? [n.license] : []),
];

/** Each node's name, with its path where another node of the view has the same name. */
function labelsOf(view: DepsView): Map<string, string> {
  const where = whereOf(view);
  return new Map(
    view.nodes.map((n) => {
      const w = where(n);
      return [n.key, w === null ? n.name : `${n.name} (${w})`];
    }),
  );
}

export function depsJson(view: DepsView) {
  return {
    schemaVersion: 1,
    module: { name: view.root.name, path: view.root.path, license: view.root.license },
    direction: view.direction,
    nodes: view.nodes,
    edges: view.edges.map((e) => ({
      from: e.from,
      to: e.to,
      toName: e.toName,
      inScan: e.inScan,
      symbols: e.symbols,
      gplOnly: gplCount(e) > 0,
    })),
  };
}

const COLUMNS: readonly Column[] = [
  { head: "From", min: 10, weight: 3 },
  { head: "To", min: 10, weight: 3 },
  { head: "Symbols", min: 7, weight: 1 },
  { head: "GPL-only symbols", min: 16, weight: 6 },
];

export type DepsTableOptions = TableWidthOption;

export function renderDepsTable(view: DepsView, options: DepsTableOptions = {}): string {
  const labels = labelsOf(view);
  const rows = view.edges.map((e): Cell[] => {
    const gpl = e.symbols.filter((s) => s.gplOnly).map((s) => s.symbol);
    const to = esc(labels.get(e.to) ?? e.toName) + (e.inScan || e.to === "vmlinux" ? "" : " (not scanned)");
    return [
      esc(labels.get(e.from) ?? e.from),
      to,
      String(e.symbols.length),
      gpl.length ? [{ fit: "wrap", text: esc(gpl.join(", ")), leftOut: moreSymbols(gpl) }] : "—",
    ];
  });
  const what = view.direction === "dependencies" ? "depends on" : "is needed by";
  const others = view.nodes
    .slice(1)
    .map((n) => `${esc(labels.get(n.key)!)}${n.depth > 1 ? ` (via ${n.depth - 1})` : ""}`);
  const whom = others.length ? `${plural(others.length, "module")}: ${others.join(", ")}` : "no module";
  const table = rows.length ? renderBoxTable(COLUMNS, rows, options.width) + "\n" : "";
  return `${esc(labels.get(view.root.key)!)} ${what} ${whom}\n${table}`;
}

const dotId = (s: string) => `"${s.replace(/["\\]/g, "\\$&").replace(/\n/g, "\\n")}"`;

/** Graphviz: GPL-only edges red and bold, the module asked about filled. */
export function renderDepsDot(view: DepsView): string {
  const lines = ["digraph kmodaudit_deps {", "  rankdir=LR;", '  node [shape=box, fontname="sans-serif"];'];
  const where = whereOf(view);
  for (const n of view.nodes) {
    const label = dotId(labelLines(n, where).join("\n"));
    lines.push(`  ${dotId(n.key)} [label=${label}${n.depth === 0 ? ', style=filled, fillcolor="#dde8ff"' : ""}];`);
  }
  if (view.edges.some((e) => e.to === "vmlinux")) lines.push('  "vmlinux" [label="vmlinux", shape=ellipse];');
  for (const e of view.edges) {
    const gpl = gplCount(e) > 0;
    const red = gpl ? ', color="#c00000", fontcolor="#c00000", penwidth=2' : "";
    lines.push(`  ${dotId(e.from)} -> ${dotId(e.to)} [label=${dotId(edgeLabel(e))}${red}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Mermaid flowchart: GPL-only edges drawn thick and red through linkStyle. */
export function renderDepsMermaid(view: DepsView): string {
  const ids = new Map<string, string>();
  const id = (key: string) => {
    if (!ids.has(key)) ids.set(key, `n${ids.size}`);
    return ids.get(key)!;
  };
  const label = (s: string) => s.replace(/"/g, "#quot;");
  const lines = ["flowchart LR"];
  const where = whereOf(view);
  for (const n of view.nodes) lines.push(`  ${id(n.key)}["${label(labelLines(n, where).join("<br/>"))}"]`);
  if (view.edges.some((e) => e.to === "vmlinux")) lines.push(`  ${id("vmlinux")}(["vmlinux"])`);
  const red: number[] = [];
  view.edges.forEach((e, i) => {
    lines.push(`  ${id(e.from)} -->|"${label(edgeLabel(e))}"| ${id(e.to)}`);
    if (gplCount(e) > 0) red.push(i);
  });
  if (red.length) lines.push(`  linkStyle ${red.join(",")} stroke:#c00000,stroke-width:3px,color:#c00000`);
  lines.push(`  style ${id(view.root.key)} fill:#dde8ff`);
  return lines.join("\n") + "\n";
}
