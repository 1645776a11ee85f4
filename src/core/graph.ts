import { pushTo } from "./group.js";
import type { Provider, ResolvedImport } from "./kernel.js";
import { compareCodeUnits } from "./order.js";

export interface EdgeSymbol {
  symbol: string;
  gplOnly: boolean;
  weak: boolean;
}

/** One module depending on another: every symbol it takes from it. */
export interface DependencyEdge {
  from: string;
  /**
   * The provider's key: a scanned module's path, or for a module only a table names `table:<name>`
   * (`table:<release>:<name>` in a graph of several kernels, where each kernel's table names its own).
   */
  to: string;
  toName: string;
  inScan: boolean;
  symbols: EdgeSymbol[];
}

export interface GraphNode {
  path: string;
  name: string;
  imports: readonly ResolvedImport[];
}

/**
 * A provider's key: a scanned module's path, else the table's name for it, qualified by `kernel`
 * when given (a graph of several kernels: `table:<release>:<name>`, as every kernel's table names
 * its own modules, often the same names).
 */
export function providerKey(p: Pick<Provider, "name" | "path">, kernel: string | null = null): string {
  return p.path ?? (kernel === null ? `table:${p.name}` : `table:${kernel}:${p.name}`);
}

/** One kernel's graph, as the scan of several kernels joins them. */
export interface KernelGraph {
  release: string | null;
  graph: DependencyGraph;
}

/**
 * The module dependency graph that depmod computes: an edge from each module to every module (not
 * vmlinux) that provides one of its imports, weak ones included, carrying those symbols.
 */
export class DependencyGraph {
  private readonly out = new Map<string, DependencyEdge[]>();
  private readonly in = new Map<string, DependencyEdge[]>();
  /** The modules only a table names, by key: their names. */
  private readonly unscanned = new Map<string, string>();
  /** With several kernels, each module's and table-only provider's kernel, by key. */
  private readonly kernels = new Map<string, string>();
  readonly names = new Map<string, string>();

  constructor(nodes: readonly GraphNode[]) {
    // Resolved imports are shared across the modules that make them (resolve/providers.ts), and so
    // is each one's edge symbol: one object per distinct import, not one per module importing it.
    const edgeSymbols = new Map<ResolvedImport, EdgeSymbol>();
    for (const n of nodes) {
      this.names.set(n.path, n.name);
      const edges = new Map<string, DependencyEdge>();
      for (const imp of n.imports) {
        const p = imp.provider;
        if (!p || p.kernel) continue;
        const key = providerKey(p);
        let e = edges.get(key);
        if (!e) {
          edges.set(key, (e = { from: n.path, to: key, toName: p.name, inScan: p.from === "scan", symbols: [] }));
          if (p.path === undefined) this.unscanned.set(key, p.name);
        }
        let symbol = edgeSymbols.get(imp);
        if (!symbol) edgeSymbols.set(imp, (symbol = { symbol: imp.symbol, gplOnly: p.gplOnly, weak: imp.weak }));
        e.symbols.push(symbol);
      }
      const sorted = [...edges.values()].sort((a, b) => compareCodeUnits(a.toName, b.toName));
      this.out.set(n.path, sorted);
      for (const e of sorted) {
        // Copied to its length, as facts' arrays are (kmod/fact-builder.ts says why): the graph keeps it.
        e.symbols = e.symbols.slice();
        pushTo(this.in, e.to, e);
      }
    }
  }

  /**
   * The graphs of several kernels as one, each kernel's table-only providers keyed by its release:
   * the kernels share no module (a module belongs to one kernel, its path to one module), so their
   * edges are taken as they are, only those to a table-only provider given the qualified key.
   */
  static ofKernels(parts: readonly KernelGraph[]): DependencyGraph {
    const joint = new DependencyGraph([]);
    for (const { release, graph } of parts) {
      const rekey = (key: string) => {
        const name = graph.unscanned.get(key);
        return name === undefined ? key : providerKey({ name }, release);
      };
      for (const [key, name] of graph.names) {
        joint.names.set(key, name);
        if (release !== null) joint.kernels.set(key, release);
      }
      for (const [key, name] of graph.unscanned) {
        joint.unscanned.set(rekey(key), name);
        if (release !== null) joint.kernels.set(rekey(key), release);
      }
      for (const [from, edges] of graph.out) {
        const mine = edges.map((e) => (graph.unscanned.has(e.to) ? { ...e, to: rekey(e.to) } : e));
        joint.out.set(from, mine);
        for (const e of mine) {
          pushTo(joint.in, e.to, e);
        }
      }
    }
    return joint;
  }

  /** The key of `p` as the provider of an import of the module at `importer`. */
  keyOf(importer: string, p: Pick<Provider, "name" | "path">): string {
    return providerKey(p, p.path === undefined ? (this.kernels.get(importer) ?? null) : null);
  }

  /** The name of a module or table-only provider by its key; the key itself when the graph has no such node. */
  nameOf(key: string): string {
    return this.names.get(key) ?? this.unscanned.get(key) ?? key;
  }

  /** The release of a module or table-only provider when the graph joins several kernels, else null. */
  kernelOf(key: string): string | null {
    return this.kernels.get(key) ?? null;
  }

  /** What `key` depends on directly. */
  dependencies(key: string): DependencyEdge[] {
    return this.out.get(key) ?? [];
  }

  /** Who depends on `key` directly. */
  dependents(key: string): DependencyEdge[] {
    return [...(this.in.get(key) ?? [])].sort((a, b) => compareCodeUnits(a.from, b.from));
  }

  /**
   * Modules in the scan that import `symbol` from the provider `key`, in the order of the graph's
   * nodes. Read off the edges into `key` rather than kept by symbol: few ask (a shim's exports),
   * and a table of every provider's symbols weighed more than the edges themselves.
   */
  importersOf(key: string, symbol: string): string[] {
    const importers: string[] = [];
    for (const e of this.in.get(key) ?? []) if (e.symbols.some((s) => s.symbol === symbol)) importers.push(e.from);
    return importers;
  }

  /** Everything `key` needs, directly or not, nearest first (what modules.dep lists). */
  transitiveDependencies(key: string): string[] {
    return this.closure(key, (k) => this.dependencies(k).map((e) => e.to));
  }

  /** Everything that needs `key`, directly or not. */
  transitiveDependents(key: string): string[] {
    return this.closure(key, (k) => this.dependents(k).map((e) => e.from));
  }

  private closure(start: string, next: (k: string) => string[]): string[] {
    const seen = new Set<string>([start]);
    const order: string[] = [];
    const queue = [start];
    while (queue.length) {
      for (const n of next(queue.shift()!)) {
        if (seen.has(n)) continue;
        seen.add(n);
        order.push(n);
        queue.push(n);
      }
    }
    return order;
  }
}
