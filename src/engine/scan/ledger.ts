import type { InspectedObject } from "../../audit/audit.js";
import type { Outcome } from "../../core/outcome.js";
import type { FileError, SkipCount, SkippedFile } from "../../core/results.js";
import type { FileOutcome } from "../inspect-file.js";
import { fileError } from "./file-error.js";
import type { ScanOptions } from "./options.js";

/**
 * Every file the walk met, accounted for once, in the order accounted for: an object to audit, a
 * skip or an error. The walk and the threads inspecting files write to it at the same time.
 */
export class Ledger {
  readonly objects: InspectedObject[] = [];
  readonly skipped: SkippedFile[] = [];
  readonly errors: FileError[] = [];
  readonly skipCounts: SkipCount[] = [];
  /** Bytes decompressed so far, held against the scan's limit. */
  decompressed = 0;
  #done = 0;
  /** Files the walk listed, once it has listed them all. */
  #total: number | null = null;

  constructor(private readonly onProgress: ScanOptions["onProgress"]) {}

  skip(path: string, reason: string): void {
    this.skipped.push({ path, reason });
    this.#accounted(path);
  }

  error(path: string, message: string): void {
    this.errors.push({ path, message });
    this.#accounted(path);
  }

  /** What became of a file and of the members of an archive it is. */
  inspected(path: string, o: FileOutcome): void {
    if (o.self) this.#outcome(path, o.self, false);
    for (const m of o.members) this.#outcome(`${path}!/${m.path}`, m.outcome, true);
    if (o.counted) {
      const { count, bytes, first } = o.counted;
      this.decompressed += bytes;
      this.skipCounts.push({
        path,
        count,
        first: { path: `${path}!/${first.path}`, reason: first.reason, member: true },
      });
    }
    this.#accounted(path);
  }

  /** The walk is over: it listed `total` files. */
  listed(total: number): void {
    this.#total = total;
  }

  #outcome(path: string, out: Outcome, member: boolean): void {
    if (out.kind !== "error") this.decompressed += out.bytes ?? 0;
    if (out.kind === "facts") this.objects.push({ path, facts: out.facts });
    else if (out.kind === "skipped") this.skipped.push({ path, reason: out.reason, ...(member ? { member } : {}) });
    else this.errors.push(fileError(path, out));
  }

  #accounted(path: string): void {
    this.onProgress?.(++this.#done, path, this.#total);
  }
}
