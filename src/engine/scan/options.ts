import type { DecodeLimits } from "../../core/limits.js";
import type { BlobLicenses } from "../../audit/blob-licenses.js";
import type { ExportDatabase } from "../../resolve/embedded-db.js";

export interface ScanOptions {
  /** Module.symvers files (plain or .gz) of the target kernel, in order of precedence. */
  symvers?: string[];
  /** Kernel images (vmlinux, or a vmlinuz holding one) whose ksymtab gives the kernel's exports. */
  vmlinux?: string[];
  /** System.map or /proc/kallsyms files, classified by the __start/__stop___ksymtab ranges. */
  systemMap?: string[];
  /** The target kernel release, when the tables' names do not say it (for vermagic-mismatch). */
  kernelRelease?: string;
  /**
   * The release each named table belongs to, by file: `{ "build/Module.symvers": "6.1.0-57-amd64" }`.
   * A key is a file of symvers, vmlinux or systemMap, or one detection finds, matched by real path
   * (a key that is none of them is an error); the release overrides what the table's name or banner
   * says. With several kernels in the scan, a table answers only for the kernel of its release.
   */
  tableReleases?: Record<string, string>;
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
  /**
   * Threads reading and parsing files, this one included (default: one per core, at most 4; 1 = this
   * thread alone).
   */
  threads?: number;
  /** Compute each module's sha256 (default true; the table report does not need it). */
  hash?: boolean;
  /**
   * List every archive member that is no module in `skipped` (default true), or count them per
   * input in `skipCounts`: a report that lists no members needs no entry per member.
   */
  listSkippedMembers?: boolean;
  /** Called after each file is accounted for; `total` is null until the walk has listed every file. */
  onProgress?: (done: number, path: string, total: number | null) => void;
}

/** Tables named by the caller: they turn off both detection beside the tree and the embedded database. */
export const namesTables = (options: ScanOptions): boolean =>
  [options.symvers, options.vmlinux, options.systemMap].some((l) => l?.length);
