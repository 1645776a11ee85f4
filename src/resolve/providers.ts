import type { ObjectFacts } from "../core/facts.js";
import type { ImportedSymbol } from "../core/facts.js";
import type { SymbolVersion } from "../core/facts.js";
import type { KernelTable } from "./kernel-table.js";
import { normalizeModuleName } from "./identity.js";
import type { Provider, ResolvedImport } from "../core/kernel.js";
import { compareCodeUnits } from "../core/order.js";

export interface ScannedExporter {
  path: string;
  name: string;
  facts: ObjectFacts;
}

/**
 * symbol → provider, with the kernel's precedence: a module in the scan that exports the symbol
 * (the binary at hand) first, then the kernel tables. Among scanned modules `precedence` decides
 * (lower first: depmod's order within a tree, engine/scan/depmod-trees.ts), then the path, so the
 * answer does not depend on scheduling; modules it does not rank come after those it ranks.
 */
export class ProviderIndex {
  private readonly scanned = new Map<string, Provider>();
  /** Table rows turned into providers once, shared by every importer. */
  private readonly fromTable = new Map<string, Provider>();
  private readonly resolvedOf = new Map<ImportedSymbol, ResolvedImport>();
  private readonly versionOf = new Map<SymbolVersion, Provider | null>();

  constructor(
    exporters: readonly ScannedExporter[],
    readonly table: KernelTable,
    precedence: ReadonlyMap<string, number> = new Map(),
  ) {
    const rank = (m: ScannedExporter) => precedence.get(m.path) ?? Number.POSITIVE_INFINITY;
    const ordered = [...exporters].sort((a, b) => rank(a) - rank(b) || compareCodeUnits(a.path, b.path));
    for (const m of ordered) {
      for (const e of m.facts.exports) {
        const chosen = this.scanned.get(e.symbol);
        if (chosen) {
          if (chosen.path !== m.path && !chosen.alsoExportedBy?.includes(m.path))
            (chosen.alsoExportedBy ??= []).push(m.path);
          continue;
        }
        this.scanned.set(e.symbol, {
          name: m.name,
          from: "scan",
          path: m.path,
          kernel: false,
          type: e.type,
          gplOnly: e.gplOnly,
          namespace: e.namespace,
          crc: e.crc,
        });
      }
    }
    for (const p of this.scanned.values()) p.alsoExportedBy?.sort(compareCodeUnits);
  }

  lookup(symbol: string): Provider | undefined {
    const own = this.scanned.get(symbol);
    if (own) return own;
    const cached = this.fromTable.get(symbol);
    if (cached) return cached;
    const row = this.table.bySymbol.get(symbol);
    if (!row) return undefined;
    const name = row.module === "vmlinux" ? "vmlinux" : normalizeModuleName(row.module);
    const p: Provider = {
      name,
      from: "table",
      kernel: row.module === "vmlinux",
      type: row.type,
      gplOnly: row.gplOnly,
      namespace: row.namespace,
      crc: row.crc,
    };
    this.fromTable.set(symbol, p);
    return p;
  }

  /**
   * The provider of a `__versions` entry's symbol. Entries are shared objects across modules
   * (engine/intern.ts), so each is looked up once: a tree has many times more entries than distinct
   * ones.
   */
  versionProvider(v: SymbolVersion): Provider | undefined {
    let p = this.versionOf.get(v);
    if (p === undefined) this.versionOf.set(v, (p = this.lookup(v.symbol) ?? null));
    return p ?? undefined;
  }

  /**
   * An import with its provider: one object per distinct import, shared by every module that makes
   * it (facts share their import objects), since the provider depends on the symbol alone.
   */
  resolved(imp: ImportedSymbol): ResolvedImport {
    let r = this.resolvedOf.get(imp);
    if (!r)
      this.resolvedOf.set(imp, (r = { symbol: imp.symbol, weak: imp.weak, provider: this.lookup(imp.symbol) ?? null }));
    return r;
  }

  /**
   * Lets go of the caches of resolution once it is over (audit.ts): a scan of several kernels keeps
   * each kernel's index until its result is assembled, and the caches were most of an index's
   * weight. A lookup after it still answers, with objects made anew.
   */
  settle(): void {
    this.fromTable.clear();
    this.resolvedOf.clear();
    this.versionOf.clear();
  }

  /** Every symbol some source provides, each once. */
  *symbols(): Generator<string> {
    yield* this.table.bySymbol.keys();
    for (const s of this.scanned.keys()) if (!this.table.bySymbol.has(s)) yield s;
  }

  /** Distinct symbols any source provides. */
  get size(): number {
    let n = this.table.bySymbol.size;
    for (const s of this.scanned.keys()) if (!this.table.bySymbol.has(s)) n++;
    return n;
  }
}

export function resolveImports(facts: ObjectFacts, index: ProviderIndex): ResolvedImport[] {
  return facts.imports.map((imp) => index.resolved(imp));
}
