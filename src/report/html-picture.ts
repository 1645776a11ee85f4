import type { AuditedModule, ScanResult } from "../core/results.js";
import type { Provider } from "../core/kernel.js";
import { chainsOf, SEVERITY_RANK, worstSeverity, type RuleId, type Severity } from "../core/findings.js";
import { compareCodeUnits, sortedUnique } from "../core/order.js";
import { licenseStanding, loaderLicense } from "../rules/license.js";
import { inheritsTaintFrom } from "../rules/proprietary-taint.js";

/**
 * What the HTML report's dependency picture shows: the modules with findings and what they import
 * from or through — the providers of their GPL-only imports, shims and the modules that use them,
 * proprietary modules whose taint they inherit — within a node budget, so that a tree of thousands
 * of modules still gives a picture a person can read. Plain data; layout and drawing are elsewhere.
 */

export type PictureNodeKind = "module" | "blob" | "unscanned" | "kernel";

export interface PictureNode {
  /**
   * A scanned module's path, the graph's key for a module only a table names, or "vmlinux" (with
   * several kernels `vmlinux:<release>`: each kernel is its own).
   */
  key: string;
  name: string;
  /** The release of its kernel when the scan holds several, else null. */
  kernel: string | null;
  kind: PictureNodeKind;
  /** First license tag (or the one assumed for a blob); null when unknown or not a module of the scan. */
  license: string | null;
  /** Not GPL-compatible by the loader's or modpost's verdict, or a blob of unknown license. */
  nonGpl: boolean;
  /** The worst finding on it, null when it has none (a provider or chain member drawn for context). */
  severity: Severity | null;
}

/**
 * - gpl-only: the edge carries GPL-only symbols (on VMkernel: any symbol of a GPL module, which a
 *   non-GPL module may not bind to);
 * - shim: a non-GPL module imports a GPL shim's exports whose code reaches GPL-only symbols;
 * - proprietary: a GPL module uses a proprietary module's symbols (taint inheritance);
 * - plain: any other module dependency of a module with findings.
 */
export type PictureEdgeKind = "gpl-only" | "shim" | "proprietary" | "plain";

export interface PictureEdge {
  from: string;
  to: string;
  kind: PictureEdgeKind;
  /** Every symbol the importer takes from the provider, sorted. */
  symbols: string[];
  /** The symbols that make the edge what it is: GPL-only ones, the shim exports used, the proprietary module's. */
  marked: string[];
  /** Drawn strongest: GPL-only use by a non-GPL module, or the GPL-only end of a shim chain. */
  violation: boolean;
}

export interface Picture {
  nodes: PictureNode[];
  edges: PictureEdge[];
  /** Modules with findings, and how many of them are drawn (the most serious first). */
  withFindings: number;
  drawnWithFindings: number;
  /** Plain dependency edges of drawn modules left out for the node budget. */
  omittedPlainEdges: number;
  /** Drawn modules that also take plain (not GPL-only) symbols from vmlinux, which are never drawn. */
  plainKernelImporters: number;
}

export interface PictureLimits {
  /** Modules with findings drawn at most. */
  maxFocus: number;
  /** Nodes drawn at most; providers and chain members of a drawn module are added even past it. */
  maxNodes: number;
}

export const DEFAULT_PICTURE_LIMITS: PictureLimits = { maxFocus: 40, maxNodes: 80 };

const KERNEL = "vmlinux";

/** The key of vmlinux of a kernel: one box per kernel of the scan. */
const kernelKey = (release: string | null) => (release === null ? KERNEL : `${KERNEL}:${release}`);

/** The release of m's kernel when the scan holds several, else null. */
const kernelOf = (result: ScanResult, m: AuditedModule) => (result.kernels.length > 1 ? m.kernel : null);

/** The key of `p` as the provider of an import of `m`: vmlinux of m's kernel, or the graph's key. */
function providerOf(result: ScanResult, m: AuditedModule, p: Provider): string {
  return p.kernel ? kernelKey(kernelOf(result, m)) : result.graph.keyOf(m.path, p);
}

/** Rules whose findings are about who imports what from whom: these modules are drawn first. */
const GRAPH_RULES: ReadonlySet<RuleId> = new Set<RuleId>([
  "gpl-only-symbol-use",
  "gpl-shim-reexport",
  "proprietary-taint-inherited",
  "inherits-proprietary-taint",
  "blob-uses-gpl-only",
  "vmk-binds-gpl-module",
  "dynamic-symbol-lookup",
]);

const EDGE_RANK: Record<PictureEdgeKind, number> = { plain: 0, proprietary: 1, shim: 2, "gpl-only": 3 };

/**
 * Drawn as not GPL-compatible: what the rules call non-GPL, and a blob of unknown license too, which
 * the rules do not (it gets blob-uses-gpl-only, a warning): its box has the non-GPL border and its
 * GPL-only edges are drawn as violations.
 */
const nonGpl = (m: AuditedModule) => licenseStanding(m) !== "gpl";

/** Most serious first: graph-related findings, then severity, then number of findings; path breaks ties. */
function priority(a: AuditedModule, b: AuditedModule): number {
  const graphy = (m: AuditedModule) => (m.findings.some((f) => GRAPH_RULES.has(f.rule)) ? 1 : 0);
  const sev = (m: AuditedModule) => SEVERITY_RANK[worstSeverity(m.findings) ?? "info"];
  return (
    graphy(b) - graphy(a) ||
    sev(b) - sev(a) ||
    b.findings.length - a.findings.length ||
    compareCodeUnits(a.path, b.path)
  );
}

/** One module's imports grouped by provider, as the edges they would draw. */
function importEdges(m: AuditedModule, byPath: ReadonlyMap<string, AuditedModule>, result: ScanResult): PictureEdge[] {
  const groups = new Map<string, { kernel: boolean; symbols: string[]; gplOnly: string[] }>();
  for (const imp of m.imports) {
    const p = imp.provider;
    if (!p) continue;
    const key = providerOf(result, m, p);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kernel: p.kernel, symbols: [], gplOnly: [] }));
    g.symbols.push(imp.symbol);
    if (p.gplOnly) g.gplOnly.push(imp.symbol);
  }
  const edges: PictureEdge[] = [];
  for (const [to, g] of groups) {
    const symbols = [...g.symbols].sort(compareCodeUnits);
    const provider = byPath.get(to);
    if (g.gplOnly.length) {
      edges.push({
        from: m.path,
        to,
        kind: "gpl-only",
        symbols,
        marked: [...g.gplOnly].sort(compareCodeUnits),
        violation: nonGpl(m),
      });
    } else if (provider && inheritsTaintFrom(m, provider)) {
      edges.push({ from: m.path, to, kind: "proprietary", symbols, marked: symbols, violation: false });
    } else if (!g.kernel) {
      edges.push({ from: m.path, to, kind: "plain", symbols, marked: [], violation: false });
    }
  }
  return edges;
}

class PictureBuilder {
  readonly nodes = new Map<string, PictureNode>();
  readonly edges = new Map<string, PictureEdge>();
  /** The vmlinux boxes that may be drawn, by key: their kernel's release. */
  private readonly kernels = new Map<string, string | null>([[KERNEL, null]]);

  constructor(
    private readonly result: ScanResult,
    private readonly byPath: ReadonlyMap<string, AuditedModule>,
  ) {
    for (const k of result.kernels.length > 1 ? result.kernels : []) this.kernels.set(kernelKey(k.release), k.release);
  }

  addNode(key: string): void {
    if (this.nodes.has(key)) return;
    const m = this.byPath.get(key);
    if (m) {
      const license = loaderLicense(m);
      this.nodes.set(key, {
        key,
        name: m.name,
        kernel: kernelOf(this.result, m),
        kind: m.kind,
        license,
        nonGpl: nonGpl(m),
        severity: worstSeverity(m.findings),
      });
    } else if (this.kernels.has(key)) {
      const kernel = this.kernels.get(key) ?? null;
      this.nodes.set(key, { key, name: KERNEL, kernel, kind: "kernel", license: null, nonGpl: false, severity: null });
    } else {
      const { graph } = this.result;
      const [name, kernel] = [graph.nameOf(key), graph.kernelOf(key)];
      this.nodes.set(key, { key, name, kernel, kind: "unscanned", license: null, nonGpl: false, severity: null });
    }
  }

  /** Adds an edge, or upgrades the one already there: a shim or GPL-only reading wins over a plain one. */
  addEdge(e: PictureEdge): void {
    this.addNode(e.from);
    this.addNode(e.to);
    const id = `${e.from}\0${e.to}`;
    const had = this.edges.get(id);
    if (!had) {
      this.edges.set(id, e);
      return;
    }
    const marked = sortedUnique([...had.marked, ...e.marked]);
    const kind = EDGE_RANK[e.kind] > EDGE_RANK[had.kind] ? e.kind : had.kind;
    this.edges.set(id, { ...had, kind, marked, violation: had.violation || e.violation });
  }

  edge(from: string, to: string): PictureEdge | undefined {
    return this.edges.get(`${from}\0${to}`);
  }
}

/**
 * The shim chains of a gpl-shim-reexport finding on S: P → S carrying the exports, S → provider of the
 * GPL-only symbol.
 */
function addShimChains(
  b: PictureBuilder,
  shim: AuditedModule,
  result: ScanResult,
  byPath: ReadonlyMap<string, AuditedModule>,
): void {
  for (const f of shim.findings) {
    if (f.rule !== "gpl-shim-reexport") continue;
    for (const [user, , exported, gplSymbol] of chainsOf(f)) {
      if (exported === undefined || gplSymbol === undefined) continue;
      for (const importer of result.graph.importersOf(shim.path, exported)) {
        const p = byPath.get(importer);
        if (!p || p.name !== user) continue;
        const symbols = (result.graph.dependencies(importer).find((e) => e.to === shim.path)?.symbols ?? [])
          .map((s) => s.symbol)
          .sort(compareCodeUnits);
        b.addEdge({ from: importer, to: shim.path, kind: "shim", symbols, marked: [exported], violation: false });
      }
      const imp = shim.imports.find((i) => i.symbol === gplSymbol && i.provider);
      if (!imp) continue;
      const to = providerOf(result, shim, imp.provider!);
      const existing = b.edge(shim.path, to);
      if (existing) b.addEdge({ ...existing, violation: true });
    }
  }
}

/** A non-GPL VMkernel module binding to a GPL one: the whole edge is what the rule forbids. */
function addVmkBindings(b: PictureBuilder, m: AuditedModule, result: ScanResult): void {
  for (const f of m.findings) {
    if (f.rule !== "vmk-binds-gpl-module") continue;
    for (const e of result.graph.dependencies(m.path)) {
      if (e.toName !== f.chain[1]) continue;
      b.addEdge({
        from: m.path,
        to: e.to,
        kind: "gpl-only",
        symbols: e.symbols.map((s) => s.symbol).sort(compareCodeUnits),
        marked: f.symbols,
        violation: true,
      });
    }
  }
}

export function buildPicture(result: ScanResult, limits: PictureLimits = DEFAULT_PICTURE_LIMITS): Picture {
  const byPath = new Map(result.modules.map((m) => [m.path, m]));
  const withFindings = result.modules.filter((m) => m.findings.length > 0).sort(priority);
  const focus = withFindings.slice(0, limits.maxFocus);
  const b = new PictureBuilder(result, byPath);
  const deferred: PictureEdge[] = [];

  for (const m of focus) {
    if (b.nodes.size >= limits.maxNodes && !b.nodes.has(m.path)) break;
    b.addNode(m.path);
    for (const e of importEdges(m, byPath, result)) {
      if (e.kind === "plain") deferred.push(e);
      else b.addEdge(e);
    }
    addShimChains(b, m, result, byPath);
    addVmkBindings(b, m, result);
  }

  // Plain dependencies only give context: drawn between nodes already there, or while room is left.
  let omittedPlainEdges = 0;
  for (const e of deferred) {
    if (b.nodes.has(e.to) || b.nodes.size < limits.maxNodes) b.addEdge(e);
    else omittedPlainEdges++;
  }

  const drawnWithFindings = withFindings.filter((m) => b.nodes.has(m.path)).length;
  const plainKernelImporters = [...b.nodes.values()].filter((n) => {
    const m = byPath.get(n.key);
    return m?.imports.some((i) => i.provider?.kernel && !i.provider.gplOnly);
  }).length;
  return {
    nodes: [...b.nodes.values()],
    edges: [...b.edges.values()],
    withFindings: withFindings.length,
    drawnWithFindings,
    omittedPlainEdges,
    plainKernelImporters,
  };
}
