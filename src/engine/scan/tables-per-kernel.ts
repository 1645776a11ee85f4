import type { NotJudged } from "../../core/results.js";

/** A loaded table as far as choosing its kernel goes. */
interface Tied {
  source: { file: string };
  /** The release its name, headers directory or banner says it belongs to. */
  release: string | null;
}

export interface TablesPerKernel<T extends Tied> {
  /** Each kernel's own tables, in the order loaded (the order of trust). */
  byKernel: Map<string, T[]>;
  /** Tables that fit no kernel of the scan: not applied, and said so. */
  unfit: NotJudged[];
}

/**
 * With several kernels in a scan, each table belongs to the kernel of its release; a table that
 * names none is tied to the release the caller named (--kernel-release), if any. A table no kernel
 * of the scan has is never applied to the others: their modules would be judged against a kernel
 * they were not built for.
 */
export function tablesPerKernel<T extends Tied>(
  tables: readonly T[],
  kernels: readonly string[],
  kernelRelease: string | null,
): TablesPerKernel<T> {
  const byKernel = new Map<string, T[]>(kernels.map((k) => [k, []]));
  const unfit: NotJudged[] = [];
  for (const t of tables) {
    const release = t.release ?? kernelRelease;
    const mine = release === null ? undefined : byKernel.get(release);
    if (mine) mine.push(t);
    else unfit.push({ code: "table-fits-no-kernel", path: t.source.file, message: unfitMessage(release, kernels) });
  }
  return { byKernel, unfit };
}

function unfitMessage(release: string | null, kernels: readonly string[]): string {
  const scanned = `the scan holds the kernels ${kernels.join(", ")}`;
  return release === null
    ? `this export table names no kernel release and ${scanned}, so it was applied to none; name its release ` +
        `with --kernel-release, or give it as symvers-<release>.gz`
    : `this export table is ${release}'s, and ${scanned} but not that one, so it was applied to none`;
}
