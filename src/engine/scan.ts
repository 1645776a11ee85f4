import { realpath } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { audit, type AuditOptions, type InspectedObject } from "../audit/audit.js";
import { DEFAULT_LIMITS, type DecodeLimits } from "../core/limits.js";
import { detectTables, loadExportDatabase, loadTable, type LoadedTable } from "./tables.js";
import { referencesOfFile, type FileOutcome, type FileTask } from "./inspect-file.js";
import { errorOutcome, type Outcome } from "../core/outcome.js";
import { createPool, type InspectPool } from "./pool.js";
import { walk } from "./walk.js";
import type { FileError, ScanResult, SkippedFile } from "../core/results.js";
import { mergeTables } from "../resolve/kernel-table.js";
import { auditWithEmbedded } from "../audit/embedded.js";
import type { ExportDatabase } from "../resolve/embedded-db.js";
import { needsSha256, type BlobLicenses } from "../audit/blob-licenses.js";
import { notJudgedOf } from "../audit/not-judged.js";
import { byCodeUnits } from "../core/order.js";

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
  /**
   * With no table given or found, use the embedded export database of Debian kernels, chosen by
   * each module's vermagic or by kernelRelease (default true).
   */
  embedded?: boolean;
  /** The embedded database already loaded (loadExportDatabase), for callers that scan repeatedly. */
  exportDatabase?: ExportDatabase;
  /** License that applies to vendor blobs, which carry none. */
  assumeLicense?: string | null;
  /** Licenses declared per blob, by sha256, file name or normalised name; assumeLicense covers the rest. */
  blobLicenses?: BlobLicenses;
  /** Objects to treat as blobs whatever they import (paths as they appear in the result). */
  blobs?: string[];
  limits?: Partial<DecodeLimits>;
  /** Threads reading and parsing files, this one included (default: one per core, at most 4; 1 = this thread alone). */
  threads?: number;
  /** Compute each module's sha256 (default true; the table report does not need it). */
  hash?: boolean;
  /** Called after each file is accounted for; `total` is null until the walk has listed every file. */
  onProgress?: (done: number, path: string, total: number | null) => void;
}

const byPath = byCodeUnits("path");

/** An error outcome as the report lists it. */
function fileError(path: string, o: Extract<Outcome, { kind: "error" }>): FileError {
  return { path, message: o.message, ...(o.structure ? { structure: o.structure } : {}), ...(o.offset === undefined ? {} : { offset: o.offset }) };
}

const errorOf = (path: string, e: unknown): FileError => fileError(path, errorOutcome(e));

/** Tables named by the caller: they turn off both detection beside the tree and the embedded database. */
const namesTables = (options: ScanOptions): boolean => [options.symvers, options.vmlinux, options.systemMap].some((l) => l?.length);

type WantedTable = { kind: "symvers" | "vmlinux" | "system-map"; file: string; origin: "explicit" | "detected" };

/** Tables in order of trust: Module.symvers (given, then found), then kernel images, then maps. */
async function wantedTables(paths: readonly string[], options: ScanOptions): Promise<WantedTable[]> {
  const wanted: WantedTable[] = (options.symvers ?? []).map((file) => ({ kind: "symvers", file, origin: "explicit" }));
  // Tables named on the command line say which kernel is meant: one found beside the tree (often
  // the tree's own kernel, e.g. /lib/modules/<ver>/build) would answer for the symbols the named
  // kernel lacks and hide exactly the "Unknown symbol" failures a cross-kernel check is for.
  if (options.detectTables !== false && !namesTables(options)) {
    for (const p of paths) for (const file of await detectTables(p)) wanted.push({ kind: "symvers", file, origin: "detected" });
  }
  for (const file of options.vmlinux ?? []) wanted.push({ kind: "vmlinux", file, origin: "explicit" });
  for (const file of options.systemMap ?? []) wanted.push({ kind: "system-map", file, origin: "explicit" });
  return wanted;
}

async function loadTables(wanted: readonly WantedTable[], limits: DecodeLimits, errors: FileError[]): Promise<LoadedTable[]> {
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

/**
 * A batch whose worker died is retried file by file on fresh workers, so only the file that kills
 * a worker is reported (as an internal error), not the innocent files batched with it.
 */
async function inspectIsolating(pool: InspectPool, tasks: FileTask[], isolated = false): Promise<FileOutcome[]> {
  try {
    return await pool.inspect(tasks, isolated);
  } catch (e) {
    if (tasks.length === 1 && isolated) return [{ self: errorOutcome(e), members: [] }];
    // One at a time, each on a worker of its own, so that no other file shares the worker that the
    // culprit takes down.
    const out: FileOutcome[] = [];
    for (const t of tasks) out.push(...(await inspectIsolating(pool, [t], true)));
    return out;
  }
}

/** Files handed to a thread at once: enough to amortise a message, few enough to balance the load. */
const BATCH = 32;
/** The first batch is read on this thread, and what it holds decides whether workers are used (engine/pool.ts): soon told. */
const FIRST_BATCH = 4;
/**
 * Batches asked of the pool at once: as many as it can have under way (each worker two, and this
 * thread one) on the machines it runs on, so that no thread waits for the next to be asked.
 */
const CONSUMERS = 16;

/** Scans files and directories: the whole pipeline from bytes to findings. */
export async function scan(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const limits: DecodeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const errors: FileError[] = [];
  const skipped: SkippedFile[] = [];
  const objects: InspectedObject[] = [];
  // Workers start first, and the tables are read while they inspect the first files: the walk
  // needs only the tables' names, to pass over a table it meets.
  const pool = createPool(options.threads ?? Math.min(availableParallelism(), 4), { limits, hash: options.hash !== false || needsSha256(options.blobLicenses) });
  let tablesLoading: Promise<LoadedTable[]> | undefined;
  let tableFiles: Set<string>;
  let tableNames: Set<string>;
  let tablesWanted = false;
  try {
    const wanted = await wantedTables(paths, options);
    tablesWanted = wanted.length > 0;
    tableFiles = new Set(await Promise.all(wanted.map((w) => realpath(w.file).catch(() => w.file))));
    // A table met again by the walk is recognised by name first, without a promise, so only
    // candidates cost a realpath and an await.
    tableNames = new Set([...wanted.map((w) => basename(w.file)), ...[...tableFiles].map((f) => basename(f))]);
    tablesLoading = loadTables(wanted, limits, errors);
  } catch (e) {
    await pool.close();
    throw e;
  }
  const isTableFile = async (abs: string) => tableFiles.has(await realpath(abs).catch(() => abs));

  let done = 0;
  let walked = 0;
  let total: number | null = null;
  let decompressed = 0;
  const absOf = new Map<string, FileTask>();
  const queue: { path: string; task: FileTask }[] = [];
  let next = 0;
  let walking = true;
  const waiting: (() => void)[] = [];
  const notify = () => {
    for (const wake of waiting.splice(0)) wake();
  };
  const record = (path: string, o: FileOutcome) => {
    const one = (at: string, out: Outcome, member: boolean) => {
      if (out.kind !== "error") decompressed += out.bytes ?? 0;
      if (out.kind === "facts") objects.push({ path: at, facts: out.facts });
      else if (out.kind === "skipped") skipped.push({ path: at, reason: out.reason, ...(member ? { member } : {}) });
      else errors.push(fileError(at, out));
    };
    if (o.self) one(path, o.self, false);
    for (const m of o.members) one(`${path}!/${m.path}`, m.outcome, true);
    options.onProgress?.(++done, path, total);
  };
  // Files are taken from the walk's queue as threads become free, not cut into batches up front:
  // once the walk is over, batches shrink with what is left, so the threads finish together
  // instead of one decoding its last 32 files while the others wait (a fifth of a second on
  // Debian's 6.12 tree).
  const consume = async () => {
    for (;;) {
      const left = queue.length - next;
      if (!walking && left === 0) return;
      // While the walk goes on, only whole batches are taken.
      if (walking && left < BATCH) {
        await new Promise<void>((r) => waiting.push(r));
        continue;
      }
      const size = next === 0 ? Math.min(FIRST_BATCH, left) : walking ? Math.min(BATCH, left) : Math.max(1, Math.min(BATCH, Math.ceil(left / CONSUMERS)));
      const mine = queue.slice(next, next + size);
      next += size;
      const outcomes =
        decompressed > limits.maxTotalDecompressedBytes
          ? mine.map(() => ({ self: { kind: "error" as const, message: `not read: the scan's decompressed bytes passed the limit of ${limits.maxTotalDecompressedBytes} (--max-total-decompressed)` }, members: [] }))
          : await inspectIsolating(pool, mine.map((b) => b.task));
      outcomes.forEach((o, i) => record(mine[i]!.path, o));
    }
  };
  const consumers = Array.from({ length: CONSUMERS }, consume);
  try {
    for (const entry of walk(paths)) {
      walked++;
      if (entry.type === "skip") skipped.push({ path: entry.path, reason: entry.reason });
      else if (entry.type === "error") errors.push({ path: entry.path, message: entry.message });
      else if (tableNames.has(basename(entry.abs)) && (await isTableFile(entry.abs))) skipped.push({ path: entry.path, reason: "kernel export table, used for resolution" });
      else {
        const task = { abs: entry.abs, followLinks: entry.followLinks };
        absOf.set(entry.path, task);
        queue.push({ path: entry.path, task });
        if (queue.length - next >= BATCH) notify();
        continue;
      }
      options.onProgress?.(++done, entry.path, total);
    }
    walking = false;
    total = walked;
    notify();
    await Promise.all(consumers);
  } finally {
    // When the walk failed: take nothing more, and let the batches under way end before the pool does.
    walking = false;
    next = queue.length;
    notify();
    await Promise.allSettled(consumers);
    await tablesLoading.catch(() => {}); // its own errors are in `errors`; settled before the workers go
    await pool.close();
  }
  const tables = await tablesLoading;
  const kernel = mergeTables(tables, options.kernelRelease ?? null);

  const auditOptions: AuditOptions = {
    assumeLicense: options.assumeLicense ?? null,
    ...(options.blobLicenses ? { blobLicenses: options.blobLicenses } : {}),
    ...(options.blobs ? { blobs: options.blobs } : {}),
    loadReferences: async (wanted) => {
      const refs = new Map<string, Record<string, string[]>>();
      for (const p of wanted) {
        const task = absOf.get(p);
        if (task) refs.set(p, await referencesOfFile(task, limits));
      }
      return refs;
    },
  };
  // Explicit tables override the embedded database, even when they fail to load.
  const embedded =
    tables.length === 0 && !namesTables(options) && options.embedded !== false
      ? await auditWithEmbedded(objects, () => options.exportDatabase ?? loadExportDatabase(), options.kernelRelease ?? null, auditOptions)
      : null;
  const outcome = embedded ?? (await audit(objects, kernel, auditOptions));
  const target = embedded?.kernel ?? kernel;
  skipped.push(...outcome.skipped);
  const judged = notJudgedOf({
    paths,
    modules: outcome.modules,
    errors,
    skipped,
    tables,
    tablesWanted,
    embedded: options.embedded === false || namesTables(options) ? "off" : embedded ? "used" : "unmatched",
    kernelRelease: options.kernelRelease ?? null,
  });
  const sources = [...target.sources];
  if (outcome.modules.some((m) => m.facts.exports.length > 0)) {
    for (const p of paths) sources.push({ kind: "modules", file: p, origin: "explicit" });
  }
  return {
    kernel: { sources, exports: outcome.index.size, gplOnlyKnown: target.gplOnlyKnown, release: target.release },
    modules: outcome.modules,
    graph: outcome.graph,
    errors: errors.sort(byPath),
    skipped: skipped.sort(byPath),
    notJudged: judged,
    files: outcome.modules.length + errors.length + skipped.length,
  };
}
