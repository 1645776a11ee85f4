import type { ObjectFacts } from "./facts.js";
import type { ResolvedImport, TableSource } from "./kernel.js";
import type { DependencyGraph } from "./graph.js";
import type { Finding, RuleId, Severity } from "./findings.js";
import type { RunningSystem } from "./running.js";
import type { ModuleUpgrade } from "./upgrade.js";

/** A module or blob after resolution and policy: facts plus what the scan concluded. */
export interface AuditedModule {
  /** As given, relative to the scanned directory. */
  path: string;
  kind: "module" | "blob";
  /** `name=` when present, else the normalised file name. */
  name: string;
  facts: ObjectFacts;
  /** null for a blob whose license is unknown (no --assume-license). */
  gplCompatible: { loader: boolean | null; modpost: boolean | null };
  /** The license the user stated for a blob, if any. */
  assumedLicense: string | null;
  /** The release of the kernel it belongs to (ScanResult.kernels), or null when nothing names one. */
  kernel: string | null;
  imports: ResolvedImport[];
  /**
   * Non-weak imports nothing provides, sorted. Empty without a kernel table (nothing can be said)
   * and for blobs (their glue resolves them at link time).
   */
  unresolved: string[];
  findings: Finding[];
  /** With `kmodaudit upgrade` only: one entry per target kernel (see core/upgrade.ts). */
  upgrades?: ModuleUpgrade[];
}

export interface FileError {
  path: string;
  message: string;
  /** The structure that failed, e.g. "section header table" or "xz stream". */
  structure?: string;
  offset?: number;
}

/**
 * The archive members of one input that are no module, counted and not listed (the scan's
 * listSkippedMembers false): how many, and the first, which stands for them in messages.
 */
export interface SkipCount {
  /** The input file. */
  path: string;
  count: number;
  first: SkippedFile;
}

/** How many skipped members `counts` stand for. */
export const countedSkips = (counts: readonly SkipCount[] = []): number => counts.reduce((n, c) => n + c.count, 0);

export interface SkippedFile {
  path: string;
  reason: string;
  /** A member of an archive: counted in the summary, listed only on request (--list-skipped). */
  member?: boolean;
  /**
   * A module that another copy of the same name shadows in its `lib/modules/<release>/` tree (an
   * `updates/` copy, as depmod.d's search order says): the path of that copy. It is left out of
   * resolution, dependencies and the counts of modules, as depmod leaves it out.
   */
  shadowedBy?: string;
}

/**
 * Something the scan was asked to judge and could not: a path from which not one module or blob
 * was audited, or a kernel export table that says nothing about what the modules import. The
 * audit is then incomplete, as with an unreadable file (exit code 2), though nothing failed.
 */
export type NotJudgedCode =
  | "nothing-to-audit"
  | "not-a-module"
  | "empty-table"
  | "table-without-export-types"
  | "no-kernel-table"
  /** A scan of several kernels was given a table of none of them (or of no release it could tell). */
  | "table-fits-no-kernel"
  /** An upgrade target (`kmodaudit upgrade --to`) the embedded database has no build of for some modules. */
  | "no-upgrade-target";

export interface NotJudged {
  code: NotJudgedCode;
  /** What could not be judged and why, with what to do about it; the path is not repeated in it. */
  message: string;
  /** The path given to the scan, or the table file, that the message is about. */
  path?: string;
}

/**
 * One kernel of a scan (design.md: a kernel is the unit of resolution): the modules that belong to
 * it resolve only against one another and against its own tables.
 */
export interface ScanKernel {
  /** Its release (`6.1.0-57-amd64`), or null for the modules of a scan in which nothing names one. */
  release: string | null;
  /** The tables its modules resolved against (found beside its tree, given for its release, or embedded). */
  sources: TableSource[];
  /** Distinct symbols known to be exported, by its tables and by its scanned modules. */
  exports: number;
  gplOnlyKnown: boolean;
  /** Modules and blobs audited as this kernel's. */
  modules: number;
  /** The kernel running on the audited system (kmodaudit system). */
  running?: boolean;
}

export interface ScanResult {
  /**
   * Every kernel of the scan, sorted by release (null last); one entry when the scan holds one
   * kernel. Each module names its own in AuditedModule.kernel.
   */
  kernels: ScanKernel[];
  /** With one kernel, that kernel; with several, every table used, exports of all, release null. */
  kernel: {
    sources: TableSource[];
    /** Distinct symbols known to be exported, by the tables and by the scanned modules. */
    exports: number;
    gplOnlyKnown: boolean;
    /** The target kernel's release, when a table's name or contents say it. */
    release: string | null;
  };
  modules: AuditedModule[];
  /** Who provides what to whom, among the scanned modules and the modules the tables name. */
  graph: DependencyGraph;
  errors: FileError[];
  skipped: SkippedFile[];
  /** Archive members skipped and only counted, per input (ScanOptions.listSkippedMembers false); in `files` too. */
  skipCounts?: SkipCount[];
  /** What the scan could not judge (sorted by path, then code); empty when it judged everything. */
  notJudged: NotJudged[];
  /** Files looked at: modules + blobs + errors + skipped, the counted skips too. */
  files: number;
  /** The running kernel's loaded modules and taint, when the scan audited the running system. */
  running?: RunningSystem;
  /** What a baseline suppressed and which of its entries are stale, when one was applied. */
  baseline?: BaselineReport;
  /** Per-rule severities a policy set ("off": disabled); reporters describing rules show these. */
  ruleSeverity?: Partial<Record<RuleId, Severity | "off">>;
}

/** A baseline entry, or the part of it, that matched no finding of the scan. */
export interface StaleBaselineEntry {
  module: string;
  rule: RuleId;
  /** The entry's symbols that no finding has any more; empty for a symbol-less entry. */
  symbols: string[];
  justification: string;
}

/** What applying a baseline did, for reporters. */
export interface BaselineReport {
  /** The baseline file as the user named it. */
  file: string;
  /** Findings the baseline accepted entirely, no longer reported. */
  suppressed: number;
  /** Findings still reported because they gained symbols; they now list only the new ones. */
  narrowed: number;
  /** Entries that matched nothing: the finding is gone, so the entry should go too. Sorted. */
  stale: StaleBaselineEntry[];
}
