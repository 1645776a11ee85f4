import { realpath } from "node:fs/promises";
import { audit, type InspectedObject } from "./audit.js";
import { DEFAULT_LIMITS, type DecodeLimits } from "./container/limits.js";
import { FormatError } from "./errors.js";
import { detectTables, loadTable, type LoadedTable } from "./fs/tables.js";
import { readRegularFile } from "./fs/read.js";
import { walk, type WalkEntry } from "./fs/walk.js";
import { inspectBytes } from "./kmod/facts.js";
import type { FileError, ScanResult, SkippedFile } from "./model.js";
import { mergeTables } from "./resolve/kernel-table.js";

export interface ScanOptions {
  /** Module.symvers files (plain or .gz) of the target kernel, in order of precedence. */
  symvers?: string[];
  /** Kernel images (vmlinux, or a vmlinuz holding one) whose ksymtab gives the kernel's exports. */
  vmlinux?: string[];
  /** System.map or /proc/kallsyms files, classified by the __start/__stop___ksymtab ranges. */
  systemMap?: string[];
  /** The target kernel release, when the tables' names do not say it (for vermagic-mismatch). */
  kernelRelease?: string;
  /** Use export tables found beside the scanned trees (default true). */
  detectTables?: boolean;
  /** License that applies to vendor blobs, which carry none. */
  assumeLicense?: string | null;
  /** Objects to treat as blobs whatever they import (paths as they appear in the result). */
  blobs?: string[];
  limits?: Partial<DecodeLimits>;
  /** Files read and decoded at once (default 8): decoding runs on libuv's thread pool. */
  concurrency?: number;
  /** Called after each file is accounted for. */
  onProgress?: (done: number, path: string) => void;
}

const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

function errorOf(path: string, e: unknown): FileError {
  if (e instanceof FormatError) return { path, message: e.message, structure: e.structure, ...(e.offset === undefined ? {} : { offset: e.offset }) };
  // Not a property of the input: a defect in kmodaudit. Still a per-file error, never a crash.
  return { path, message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
}

/** Tables in order of trust: Module.symvers (given, then found), then kernel images, then maps. */
async function loadTables(paths: readonly string[], options: ScanOptions, limits: DecodeLimits, errors: FileError[]): Promise<LoadedTable[]> {
  type Wanted = { kind: "symvers" | "vmlinux" | "system-map"; file: string; origin: "explicit" | "detected" };
  const wanted: Wanted[] = (options.symvers ?? []).map((file) => ({ kind: "symvers", file, origin: "explicit" }));
  if (options.detectTables !== false) {
    for (const p of paths) for (const file of await detectTables(p)) wanted.push({ kind: "symvers", file, origin: "detected" });
  }
  for (const file of options.vmlinux ?? []) wanted.push({ kind: "vmlinux", file, origin: "explicit" });
  for (const file of options.systemMap ?? []) wanted.push({ kind: "system-map", file, origin: "explicit" });
  const loaded: LoadedTable[] = [];
  for (const { kind, file, origin } of wanted) {
    try {
      const t = await loadTable(kind, file, origin, limits);
      if (!loaded.some((l) => l.real === t.real)) loaded.push(t);
    } catch (e) {
      errors.push(errorOf(file, e));
    }
  }
  return loaded;
}

/** Scans files and directories: the whole pipeline from bytes to findings. */
export async function scan(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const limits: DecodeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const errors: FileError[] = [];
  const skipped: SkippedFile[] = [];
  const objects: InspectedObject[] = [];
  const tables = await loadTables(paths, options, limits, errors);
  const tableFiles = new Set(tables.map((t) => t.real));
  const kernel = mergeTables(tables, options.kernelRelease ?? null);

  let done = 0;
  const handle = async (entry: WalkEntry) => {
    if (entry.type === "skip") skipped.push({ path: entry.path, reason: entry.reason });
    else if (entry.type === "error") errors.push({ path: entry.path, message: entry.message });
    else if (tableFiles.size > 0 && tableFiles.has(await realpath(entry.abs).catch(() => entry.abs))) skipped.push({ path: entry.path, reason: "kernel export table, used for resolution" });
    else {
      const read = await readRegularFile(entry.abs, entry.followLinks, limits.maxDecompressedBytes);
      if (!read.ok) {
        if (read.skip) skipped.push({ path: entry.path, reason: read.skip });
        else errors.push({ path: entry.path, message: read.error ?? "unreadable" });
      } else {
        try {
          const r = await inspectBytes(read.bytes, limits);
          if (r.outcome === "facts") objects.push({ path: entry.path, facts: r.facts });
          else skipped.push({ path: entry.path, reason: r.reason });
        } catch (e) {
          errors.push(errorOf(entry.path, e));
        }
      }
    }
    options.onProgress?.(++done, entry.path);
  };

  const walker = walk(paths);
  const worker = async () => {
    for (;;) {
      const next = await walker.next();
      if (next.done) return;
      await handle(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));

  const outcome = audit(objects, kernel, { assumeLicense: options.assumeLicense ?? null, ...(options.blobs ? { blobs: options.blobs } : {}) });
  skipped.push(...outcome.skipped);
  const sources = [...kernel.sources];
  if (outcome.modules.some((m) => m.facts.exports.length > 0)) {
    for (const p of paths) sources.push({ kind: "modules", file: p, origin: "explicit" });
  }
  return {
    kernel: { sources, exports: outcome.index.size, gplOnlyKnown: kernel.gplOnlyKnown, release: kernel.release },
    modules: outcome.modules,
    graph: outcome.graph,
    errors: errors.sort(byPath),
    skipped: skipped.sort(byPath),
    files: outcome.modules.length + errors.length + skipped.length,
  };
}
