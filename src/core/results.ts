import type { ObjectFacts } from "../kmod/facts.js";
import type { ResolvedImport } from "../resolve/providers.js";
import type { TableSource } from "../resolve/kernel-table.js";
import type { DependencyGraph } from "./graph.js";
import type { RuleId, Severity } from "../rules/meta.js";
import type { RunningSystem } from "../engine/running-system.js";
import type { BaselineReport } from "../policy/baseline.js";

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** Every symbol the finding concerns, sorted. */
  symbols: string[];
  /** For findings that involve another module: the path through it (e.g. proprietary → shim → export → symbol). */
  chain: string[];
  /** Every such path when there are several; `chain` is the first. */
  chains?: string[][];
  /** Symbols of this finding a baseline accepts; `symbols` then holds only the new ones. */
  suppressedSymbols?: string[];
}

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
  imports: ResolvedImport[];
  /**
   * Non-weak imports nothing provides, sorted. Empty without a kernel table (nothing can be said)
   * and for blobs (their glue resolves them at link time).
   */
  unresolved: string[];
  findings: Finding[];
}

export interface FileError {
  path: string;
  message: string;
  /** The structure that failed, e.g. "section header table" or "xz stream". */
  structure?: string;
  offset?: number;
}

export interface SkippedFile {
  path: string;
  reason: string;
  /** A member of an archive: counted in the summary, listed only on request (--list-skipped). */
  member?: boolean;
}

/**
 * Something the scan was asked to judge and could not: a path from which not one module or blob
 * was audited, or a kernel export table that says nothing about what the modules import. The
 * audit is then incomplete, as with an unreadable file (exit code 2), though nothing failed.
 */
export type NotJudgedCode = "nothing-to-audit" | "not-a-module" | "empty-table" | "table-without-export-types" | "no-kernel-table";

export interface NotJudged {
  code: NotJudgedCode;
  /** What could not be judged and why, with what to do about it; the path is not repeated in it. */
  message: string;
  /** The path given to the scan, or the table file, that the message is about. */
  path?: string;
}

export interface ScanResult {
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
  /** What the scan could not judge (sorted by path, then code); empty when it judged everything. */
  notJudged: NotJudged[];
  /** Files looked at: modules + blobs + errors + skipped. */
  files: number;
  /** The running kernel's loaded modules and taint, when the scan audited the running system. */
  running?: RunningSystem;
  /** What a baseline suppressed and which of its entries are stale, when one was applied. */
  baseline?: BaselineReport;
  /** Per-rule severities a policy set ("off": disabled); reporters describing rules show these. */
  ruleSeverity?: Partial<Record<RuleId, Severity | "off">>;
}
