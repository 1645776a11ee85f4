import type { AuditedModule, ScanResult } from "../core/results.js";
import type { DependencyEdge } from "../core/graph.js";
import { normalizeModuleName } from "../resolve/identity.js";
import { loaderLicense } from "../rules/license.js";

export interface DepsNode {
  /** A scanned module's path, the graph's key for a module only a table names (core/graph.ts), or "vmlinux". */
  key: string;
  name: string;
  path: string | null;
  /** Distance from the module asked about (0 for itself). */
  depth: number;
  license: string | null;
}

export interface DepsView {
  root: DepsNode;
  direction: "dependencies" | "dependents";
  /** Every module reached, nearest first (the root first). */
  nodes: DepsNode[];
  /** Module edges among the nodes, plus each node's edge to vmlinux when it imports from the kernel. */
  edges: DependencyEdge[];
}

const KERNEL = "vmlinux";

/** Finds the module a user named: by path as scanned, by file path, or by module name. */
export function findModule(result: ScanResult, wanted: string, kernel?: string): AuditedModule | undefined {
  return findModules(result, wanted, kernel)[0];
}

/**
 * Every module `wanted` names, in path order, at most one per kernel of the scan (the same name in
 * two kernels is two modules: each resolves within its own kernel), only `kernel`'s when given. A
 * path names its module; otherwise a name matches `name=` before the file name.
 */
export function findModules(result: ScanResult, wanted: string, kernel?: string): AuditedModule[] {
  const mine = kernel === undefined ? result.modules : result.modules.filter((m) => m.kernel === kernel);
  const name = normalizeModuleName(wanted);
  const matchers = [
    (m: AuditedModule) => m.path === wanted || m.path.endsWith(`/${wanted}`),
    (m: AuditedModule) => normalizeModuleName(m.name) === name,
    (m: AuditedModule) => normalizeModuleName(m.path) === name,
  ];
  const found = new Map<string | null, AuditedModule>();
  for (const matches of matchers) {
    for (const m of mine) if (!found.has(m.kernel) && matches(m)) found.set(m.kernel, m);
  }
  return [...found.values()];
}

function kernelEdge(m: AuditedModule): DependencyEdge | undefined {
  const symbols = m.imports
    .filter((i) => i.provider?.kernel)
    .map((i) => ({ symbol: i.symbol, gplOnly: i.provider!.gplOnly, weak: i.weak }));
  return symbols.length ? { from: m.path, to: KERNEL, toName: KERNEL, inScan: false, symbols } : undefined;
}

/**
 * What a module needs (or, with "dependents", who needs it), directly and transitively, each edge
 * with the symbols it carries and whether they are GPL-only.
 */
export function dependencyView(
  result: ScanResult,
  module: AuditedModule,
  direction: DepsView["direction"] = "dependencies",
): DepsView {
  const byPath = new Map(result.modules.map((m) => [m.path, m]));
  const node = (key: string, name: string, depth: number): DepsNode => {
    const m = byPath.get(key);
    return { key, name, path: m ? m.path : null, depth, license: m ? loaderLicense(m) : null };
  };
  const root = node(module.path, module.name, 0);
  const nodes: DepsNode[] = [root];
  const edges: DependencyEdge[] = [];
  const seen = new Set([module.path]);
  const queue: DepsNode[] = [root];
  while (queue.length) {
    const current = queue.shift()!;
    const next =
      direction === "dependencies" ? result.graph.dependencies(current.key) : result.graph.dependents(current.key);
    for (const e of next) {
      edges.push(e);
      const key = direction === "dependencies" ? e.to : e.from;
      if (seen.has(key)) continue;
      seen.add(key);
      const n = node(
        key,
        direction === "dependencies" ? e.toName : (result.graph.names.get(e.from) ?? e.from),
        current.depth + 1,
      );
      nodes.push(n);
      queue.push(n);
    }
  }
  if (direction === "dependencies") {
    for (const n of nodes) {
      const m = byPath.get(n.key);
      const k = m && kernelEdge(m);
      if (k) edges.push(k);
    }
  } else {
    const k = kernelEdge(module);
    if (k) edges.unshift(k);
  }
  return { root, direction, nodes, edges };
}
