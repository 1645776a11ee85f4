#!/usr/bin/env node
// Prints how deep src/'s import graph is and how many cycles it has, as dependency-cruiser resolves it (type-only
// imports included): the longest chain of file → file imports once each cycle is collapsed to one node, and the
// cycles themselves, then the same for folders. Usage: node scripts/import-layers.mjs [DIR] (DIR defaults to src).
// Run from the directory that holds tsconfig.json; the rules in .dependency-cruiser.cjs are not judged here.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const dir = process.argv[2] ?? "src";

const run = spawnSync(
  `${root}node_modules/.bin/depcruise`,
  [dir, "--config", `${root}.dependency-cruiser.cjs`, "--output-type", "json"],
  { encoding: "utf8", maxBuffer: 1 << 28 },
);
if (run.error) throw run.error;
if (!run.stdout.startsWith("{")) {
  process.stderr.write(run.stderr);
  process.exit(2);
}

/** @type {Map<string, string[]>} each project file → the project files it imports */
const edges = new Map();
const inProject = (path) => path.startsWith(`${dir}/`) && !path.endsWith(".d.ts");
for (const m of JSON.parse(run.stdout).modules) {
  if (!inProject(m.source)) continue;
  edges.set(m.source, [...new Set(m.dependencies.map((d) => d.resolved).filter(inProject))]);
}

const files = stats(edges, "files");
console.log(`${edges.size} files: ${files.layers} import layers, ${files.cycles.length} cycles`);
for (const c of files.cycles) console.log(`  cycle of ${c.length}: ${c.join(" ")}`);
console.log(`  longest chain: ${files.chain.join(" → ")}`);

const folderOf = (path) => {
  const rest = path.slice(dir.length + 1);
  return rest.includes("/") ? rest.slice(0, rest.indexOf("/")) : rest;
};
const folderEdges = new Map();
for (const [from, tos] of edges) {
  const set = folderEdges.get(folderOf(from)) ?? new Set();
  for (const to of tos) if (folderOf(to) !== folderOf(from)) set.add(folderOf(to));
  folderEdges.set(folderOf(from), set);
}
const folders = stats(new Map([...folderEdges].map(([f, s]) => [f, [...s]])), "folders");
console.log(
  `${folderEdges.size} folders and top-level files: ${folders.layers} layers, ${folders.cycles.length} cycles`,
);
for (const c of folders.cycles) console.log(`  cycle of ${c.length}: ${c.join(" ")}`);
console.log(`  longest chain: ${folders.chain.join(" → ")}`);

/**
 * Strongly connected components (Tarjan), then the longest path through the graph of components.
 * @param {Map<string, string[]>} graph
 * @param {string} what what the nodes are, for the chain's wording
 */
function stats(graph, what) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (v) => {
    index.set(v, index.size);
    low.set(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);

  const componentOf = new Map();
  components.forEach((c, i) => {
    for (const v of c) componentOf.set(v, i);
  });
  // Tarjan emits a component only after every component it reaches, so one pass in that order suffices.
  const depth = [];
  const next = [];
  components.forEach((c, i) => {
    depth[i] = 1;
    next[i] = -1;
    for (const v of c) {
      for (const w of graph.get(v) ?? []) {
        const j = componentOf.get(w);
        if (j !== i && depth[j] + 1 > depth[i]) [depth[i], next[i]] = [depth[j] + 1, j];
      }
    }
  });
  let top = depth.indexOf(Math.max(0, ...depth));
  const chain = [];
  for (; top !== -1; top = next[top]) {
    const c = components[top];
    chain.push(c.length > 1 ? `(${c.length} ${what} in a cycle)` : c[0]);
  }
  const selfLoops = [...graph].filter(([v, tos]) => tos.includes(v)).map(([v]) => [v]);
  return { layers: Math.max(0, ...depth), cycles: [...components.filter((c) => c.length > 1), ...selfLoops], chain };
}
