/*
 * Which copy of a module depmod keeps, and the order in which it then reads the modules' exports
 * (kmod's tools/depmod.c: depmod_module_is_higher_priority, depmod_modules_sort, depmod_symbol_add).
 * Paths here are relative to the tree, `lib/modules/<release>/`.
 */
import { compareCodeUnits } from "../core/order.js";
import type { DepmodConfig } from "./depmod-config.js";
import { normalizeModuleName } from "./identity.js";

const KMOD_EXTENSION = /\.ko(?:\.(?:gz|xz|zst))?$/;

/** Whether depmod looks at this file: a `.ko[.gz|.xz|.zst]` not under `build`, `source` or an excluded directory. */
export function depmodSees(rel: string, config: DepmodConfig): boolean {
  if (!KMOD_EXTENSION.test(rel)) return false;
  const dirs = rel.split("/").slice(0, -1);
  return !dirs.some((d) => d === "build" || d === "source" || d === "." || d === ".." || config.excludes.includes(d));
}

/** `<dir>/<file name up to its first dot>`: what an `override` line names. */
const withoutExtension = (rel: string) => {
  const slash = rel.lastIndexOf("/");
  const dot = rel.indexOf(".", slash + 1);
  return dot < 0 ? rel : rel.slice(0, dot);
};

/** A copy's search priority, higher first: the first `search` entry it lies under, else `built-in`'s. */
function searchPriority(rel: string, config: DepmodConfig): number {
  const n = config.searches.length;
  const at = config.searches.findIndex((s) => s.kind === "path" && rel.startsWith(`${s.path}/`));
  if (at >= 0) return n - at;
  const builtIn = config.searches.findIndex((s) => s.kind === "built-in");
  return builtIn >= 0 ? n - builtIn : 0;
}

/** The last `override` line naming this copy (later lines are checked first), or -1. */
const overrideOf = (rel: string, config: DepmodConfig) => config.overrides.lastIndexOf(withoutExtension(rel));

/**
 * Whether copy `a` wins over copy `b` of the same module: an `override` line for either decides
 * (the later line when both have one), else the search priority. On a tie depmod keeps the copy it
 * met first in directory order, which the file system decides; here the first by path does.
 */
export function copyWins(a: string, b: string, config: DepmodConfig): boolean {
  const oa = overrideOf(a, config);
  const ob = overrideOf(b, config);
  if (oa !== ob) return oa > ob;
  const pa = searchPriority(a, config);
  const pb = searchPriority(b, config);
  if (pa !== pb) return pa > pb;
  return compareCodeUnits(a, b) <= 0;
}

export interface CopyChoice {
  /** The copy that counts, per depmod module name. */
  kept: Map<string, string>;
  /** Copies depmod ignores, each with the copy that shadows it; sorted by path. */
  shadowed: { path: string; by: string }[];
}

/** One copy per module name, as depmod keeps it, among the files depmod sees. */
export function chooseCopies(rels: readonly string[], config: DepmodConfig): CopyChoice {
  const kept = new Map<string, string>();
  const losers: string[] = [];
  for (const rel of [...rels].sort(compareCodeUnits)) {
    const name = normalizeModuleName(rel);
    const held = kept.get(name);
    if (held === undefined) kept.set(name, rel);
    else if (copyWins(held, rel, config)) losers.push(rel);
    else {
      losers.push(held);
      kept.set(name, rel);
    }
  }
  const shadowed = losers.map((path) => ({ path, by: kept.get(normalizeModuleName(path))! }));
  return { kept, shadowed: shadowed.sort((a, b) => compareCodeUnits(a.path, b.path)) };
}

/**
 * kmod's hash_superfast (shared/hash.c, Paul Hsieh's SuperFastHash) over a module name's bytes, as
 * on a little-endian machine with signed char: the modules depmod finds are kept in a hash of 512
 * buckets, and the order it reads their exports in is that table's for modules modules.order does
 * not list.
 */
export function superFastHash(key: Uint8Array): number {
  const u16 = (i: number) => key[i]! | (key[i + 1]! << 8);
  const signed = (b: number) => (b >= 128 ? b - 256 : b);
  let hash = key.length >>> 0;
  let k = 0;
  for (let n = key.length >>> 2; n > 0; n--, k += 4) {
    hash = (hash + u16(k)) >>> 0;
    const tmp = ((u16(k + 2) << 11) ^ hash) >>> 0;
    hash = ((hash << 16) ^ tmp) >>> 0;
    hash = (hash + (hash >>> 11)) >>> 0;
  }
  switch (key.length & 3) {
    case 3:
      hash = (hash + u16(k)) >>> 0;
      hash = (hash ^ (hash << 16)) >>> 0;
      hash = (hash ^ (signed(key[k + 2]!) << 18)) >>> 0;
      hash = (hash + (hash >>> 11)) >>> 0;
      break;
    case 2:
      hash = (hash + u16(k)) >>> 0;
      hash = (hash ^ (hash << 11)) >>> 0;
      hash = (hash + (hash >>> 17)) >>> 0;
      break;
    case 1:
      hash = (hash + signed(key[k]!)) >>> 0;
      hash = (hash ^ (hash << 10)) >>> 0;
      hash = (hash + (hash >>> 1)) >>> 0;
  }
  hash = (hash ^ (hash << 3)) >>> 0;
  hash = (hash + (hash >>> 5)) >>> 0;
  hash = (hash ^ (hash << 4)) >>> 0;
  hash = (hash + (hash >>> 17)) >>> 0;
  hash = (hash ^ (hash << 25)) >>> 0;
  hash = (hash + (hash >>> 6)) >>> 0;
  return hash;
}

const HASH_BUCKETS = 512;
const utf8 = new TextEncoder();

/** Byte order of two names, as strcmp within one of kmod's hash buckets. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** `<dir>/<file name up to its first dot>.ko`: how modules.order names a copy (kmod's uncrelpath). */
const orderName = (rel: string) => `${withoutExtension(rel)}.ko`;

/**
 * The kept copies in the order depmod reads their exports: those modules.order lists in its order
 * (the last line naming one places it, as kmod 30 does), then the rest in the order of depmod's
 * table of module names. A symbol several modules export is the last one's: depmod's symbol table
 * keeps the last exporter it is given. `order`: modules.order's lines, or null when the tree has
 * none (then depmod's own table order is all there is), or undefined when it could not be read (a
 * tree inside a package): then the `kernel/` copies stand for what it would list, in path order.
 */
export function depmodReadOrder(kept: readonly string[], order: readonly string[] | null | undefined): string[] {
  const line = new Map<string, number>();
  const lines =
    order === undefined
      ? kept
          .filter((r) => r.startsWith("kernel/"))
          .sort(compareCodeUnits)
          .map(orderName)
      : order;
  lines?.forEach((l, i) => line.set(l, i));
  const listed: { rel: string; at: number }[] = [];
  const rest: { rel: string; key: Uint8Array; bucket: number }[] = [];
  for (const rel of kept) {
    const at = line.get(orderName(rel));
    if (at !== undefined) listed.push({ rel, at });
    else {
      const key = utf8.encode(normalizeModuleName(rel));
      rest.push({ rel, key, bucket: superFastHash(key) & (HASH_BUCKETS - 1) });
    }
  }
  listed.sort((a, b) => a.at - b.at);
  rest.sort((a, b) => a.bucket - b.bucket || compareBytes(a.key, b.key));
  return [...listed.map((l) => l.rel), ...rest.map((r) => r.rel)];
}
