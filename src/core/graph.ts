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
  /** The provider's key: a scanned module's path, or `table:<name>` for a module only a table names. */
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

export function providerKey(p: Provider): string {
  return p.path ?? `table:${p.name}`;
}

/**
 * The module dependency graph that depmod computes: an edge from each module to every module (not
 * vmlinux) that provides one of its imports, weak ones included, carrying those symbols.
 */
export class DependencyGraph {
  private readonly out = new Map<string, DependencyEdge[]>();
  private readonly in = new Map<string, DependencyEdge[]>();
  private readonly bySymbol = new Map<string, Map<string, string[]>>();
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
        if (!e) edges.set(key, (e = { from: n.path, to: key, toName: p.name, inScan: p.from === "scan", symbols: [] }));
        let symbol = edgeSymbols.get(imp);
        if (!symbol) edgeSymbols.set(imp, (symbol = { symbol: imp.symbol, gplOnly: p.gplOnly, weak: imp.weak }));
        e.symbols.push(symbol);
        let importers = this.bySymbol.get(key);
        if (!importers) this.bySymbol.set(key, (importers = new Map()));
        const list = importers.get(imp.symbol) ?? [];
        list.push(n.path);
        importers.set(imp.symbol, list);
      }
      const sorted = [...edges.values()].sort((a, b) => compareCodeUnits(a.toName, b.toName));
      this.out.set(n.path, sorted);
      for (const e of sorted) {
        // Copied to its length, as facts' arrays are (kmod/fact-builder.ts says why): the graph keeps it.
        e.symbols = e.symbols.slice();
        const list = this.in.get(e.to) ?? [];
        list.push(e);
        this.in.set(e.to, list);
      }
    }
  }

  /** What `key` depends on directly. */
  dependencies(key: string): DependencyEdge[] {
    return this.out.get(key) ?? [];
  }

  /** Who depends on `key` directly. */
  dependents(key: string): DependencyEdge[] {
    return [...(this.in.get(key) ?? [])].sort((a, b) => compareCodeUnits(a.from, b.from));
  }

  /** Modules in the scan that import `symbol` from the provider `key`. */
  importersOf(key: string, symbol: string): string[] {
    return this.bySymbol.get(key)?.get(symbol) ?? [];
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
