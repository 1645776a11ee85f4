import type { DepsView } from "../audit/deps.js";
import type { DependencyEdge } from "../core/graph.js";
import { renderBoxTable, type Cell, type Column, type TableWidthOption } from "./box-table.js";
import { escapeForTerminal as esc } from "./escape.js";
import { moreSymbols } from "./left-out.js";
import { plural } from "../core/plural.js";

const gplCount = (e: DependencyEdge) => e.symbols.filter((s) => s.gplOnly).length;
const edgeLabel = (e: DependencyEdge) =>
  `${plural(e.symbols.length, "symbol")}${gplCount(e) ? `, ${gplCount(e)} GPL-only` : ""}`;

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
  const nameOf = new Map(view.nodes.map((n) => [n.key, n.name]));
  const rows = view.edges.map((e): Cell[] => {
    const gpl = e.symbols.filter((s) => s.gplOnly).map((s) => s.symbol);
    const to = esc(e.toName) + (e.inScan || e.to === "vmlinux" ? "" : " (not scanned)");
    return [
      esc(nameOf.get(e.from) ?? e.from),
      to,
      String(e.symbols.length),
      gpl.length ? [{ fit: "wrap", text: esc(gpl.join(", ")), leftOut: moreSymbols(gpl) }] : "—",
    ];
  });
  const what = view.direction === "dependencies" ? "depends on" : "is needed by";
  const others = view.nodes.slice(1).map((n) => `${esc(n.name)}${n.depth > 1 ? ` (via ${n.depth - 1})` : ""}`);
  const whom = others.length ? `${plural(others.length, "module")}: ${others.join(", ")}` : "no module";
  const table = rows.length ? renderBoxTable(COLUMNS, rows, options.width) + "\n" : "";
  return `${esc(view.root.name)} ${what} ${whom}\n${table}`;
}

const dotId = (s: string) => `"${s.replace(/["\\]/g, "\\$&").replace(/\n/g, "\\n")}"`;

/** Graphviz: GPL-only edges red and bold, the module asked about filled. */
export function renderDepsDot(view: DepsView): string {
  const lines = ["digraph kmodaudit_deps {", "  rankdir=LR;", '  node [shape=box, fontname="sans-serif"];'];
  for (const n of view.nodes) {
    const label = dotId(n.license ? `${n.name}\n${n.license}` : n.name);
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
  for (const n of view.nodes)
    lines.push(`  ${id(n.key)}["${label(n.license ? `${n.name}<br/>${n.license}` : n.name)}"]`);
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
