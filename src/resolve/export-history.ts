import { EXPORT_TYPES, type ExportType, isGplOnly } from "../core/export-types.js";
import { compareCodeUnits } from "../core/order.js";
import type { ExportDatabase } from "./embedded-db.js";
import { parseRelease } from "./embedded-select.js";
import { compareReleases } from "./release-target.js";

/** An export as one release has it. */
export interface ExportRow {
  provider: string;
  type: ExportType;
  gplOnly: boolean;
  namespace: string | null;
}

/** One state of the export and the releases in it (null: releases that do not export it). */
export interface HistoryState {
  state: ExportRow | null;
  /** Oldest first. */
  releases: string[];
  /** The flavours among them. */
  flavours: string[];
}

export type HistoryChangeKind = "added" | "gone" | "gpl-only" | "not-gpl-only" | "namespace" | "provider";

/** The first release of a flavour in which the export changed. */
export interface HistoryChange {
  flavour: string;
  arch: string;
  release: string;
  /** The release before it in that flavour. */
  previous: string;
  changes: HistoryChangeKind[];
  before: ExportRow | null;
  after: ExportRow | null;
}

export interface SymbolHistory {
  symbol: string;
  /** Exported by some release of the database. */
  known: boolean;
  states: HistoryState[];
  /** By flavour, then release, oldest first. */
  changes: HistoryChange[];
}

const sameRow = (a: ExportRow | null, b: ExportRow | null) =>
  a === b ||
  (a !== null && b !== null && a.provider === b.provider && a.type === b.type && a.namespace === b.namespace);

function changeKinds(a: ExportRow | null, b: ExportRow | null): HistoryChangeKind[] {
  if (!a) return ["added"];
  if (!b) return ["gone"];
  const kinds: HistoryChangeKind[] = [];
  if (!a.gplOnly && b.gplOnly) kinds.push("gpl-only");
  if (a.gplOnly && !b.gplOnly) kinds.push("not-gpl-only");
  if (a.namespace !== b.namespace) kinds.push("namespace");
  if (a.provider !== b.provider) kinds.push("provider");
  return kinds;
}

/** First row of each symbol: rows are stored symbol by symbol, in symbol order. */
function rowRange(db: ExportDatabase, symbol: number): [number, number] {
  const rows = db.rowSymbol;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]! < symbol) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < rows.length && rows[end] === symbol) end++;
  return [lo, end];
}

/**
 * Each symbol's history across every release of the database, in one pass over its rows: for each
 * release, the row (provider, type, namespace) its membership bitmap holds, if any. No release's
 * table is built.
 */
export function symbolHistories(db: ExportDatabase, names: readonly string[]): SymbolHistory[] {
  const index = new Map(db.symbols.map((s, i) => [s, i]));
  const order = db.releases
    .map((r, i) => ({ ...r, at: i, flavour: parseRelease(r.release)?.flavour ?? r.release }))
    .sort((a, b) => compareReleases(a.release, b.release));
  return names.map((symbol) => {
    const at = index.get(symbol);
    if (at === undefined) return historyOf(symbol, order, () => null);
    const [from, to] = rowRange(db, at);
    const rows: ExportRow[] = [];
    for (let r = from; r < to; r++) {
      const type = EXPORT_TYPES[db.rowType[r]!]!;
      const ns = db.rowNamespace[r]!;
      rows.push({
        provider: db.modules[db.rowModule[r]!]!,
        type,
        gplOnly: isGplOnly(type),
        namespace: ns < 0 ? null : db.namespaces[ns]!,
      });
    }
    // A release holds at most one row of a symbol: Module.symvers has one line per symbol.
    return historyOf(symbol, order, (release) => {
      const bits = db.membership[release]!;
      for (let r = from; r < to; r++) if (bits[r >> 3]! & (1 << (r & 7))) return rows[r - from]!;
      return null;
    });
  });
}

function historyOf(
  symbol: string,
  order: readonly { release: string; arch: string; flavour: string; at: number }[],
  stateOf: (release: number) => ExportRow | null,
): SymbolHistory {
  const states: HistoryState[] = [];
  const last = new Map<string, { release: string; state: ExportRow | null }>();
  const changes: HistoryChange[] = [];
  for (const r of order) {
    const state = stateOf(r.at);
    let s = states.find((x) => sameRow(x.state, state));
    if (!s) states.push((s = { state, releases: [], flavours: [] }));
    s.releases.push(r.release);
    if (!s.flavours.includes(r.flavour)) s.flavours.push(r.flavour);
    const lineage = `${r.arch} ${r.flavour}`;
    const prev = last.get(lineage);
    if (prev && !sameRow(prev.state, state))
      changes.push({
        flavour: r.flavour,
        arch: r.arch,
        release: r.release,
        previous: prev.release,
        changes: changeKinds(prev.state, state),
        before: prev.state,
        after: state,
      });
    last.set(lineage, { release: r.release, state });
  }
  for (const s of states) s.flavours.sort(compareCodeUnits);
  changes.sort((a, b) => compareCodeUnits(a.flavour, b.flavour) || compareReleases(a.release, b.release));
  return { symbol, known: states.some((s) => s.state !== null), states, changes };
}
