import type { NotJudged } from "../../core/results.js";

/** A loaded table as far as choosing its kernel goes. */
interface Tied {
  source: { file: string };
  /** The release its name, headers directory or banner says it belongs to. */
  release: string | null;
  /** The release the user tied it to (--table-release): it overrides what the table says. */
  tiedTo?: string | null;
  /** For a table found beside a scanned directory or tree: that directory's real path. */
  beside?: string | null;
}

/** What besides the tables themselves says which kernel a table answers for. */
export interface TableKernels {
  /** --kernel-release: the release of every table that names none and is tied to none. */
  kernelRelease: string | null;
  /** The kernels of the objects under a directory (a real path), for a table found beside it. */
  kernelsUnder?: (dir: string) => ReadonlySet<string | null>;
}

export interface TablesPerKernel<T extends Tied> {
  /** Each kernel's own tables, in the order loaded (the order of trust). */
  byKernel: Map<string, T[]>;
  /** Tables that fit no kernel of the scan: not applied, and said so. */
  unfit: NotJudged[];
}

/**
 * With several kernels in a scan, each table belongs to the kernel of its release: the one the user
 * tied it to, else the one its name or banner says, else the caller's --kernel-release, else, for a
 * table found beside a directory, the kernel of that directory when all its objects belong to one.
 * A table no kernel of the scan has is never applied to the others: their modules would be judged
 * against a kernel they were not built for.
 */
export function tablesPerKernel<T extends Tied>(
  tables: readonly T[],
  kernels: readonly string[],
  how: TableKernels,
): TablesPerKernel<T> {
  const byKernel = new Map<string, T[]>(kernels.map((k) => [k, []]));
  const unfit: NotJudged[] = [];
  for (const t of tables) {
    const under = t.beside && how.kernelsUnder ? [...how.kernelsUnder(t.beside)] : [];
    const release = t.tiedTo ?? t.release ?? how.kernelRelease ?? (under.length === 1 ? under[0]! : null);
    const mine = release === null ? undefined : byKernel.get(release);
    if (mine) mine.push(t);
    else
      unfit.push({
        code: "table-fits-no-kernel",
        path: t.source.file,
        message: unfitMessage(t, release, under, kernels),
      });
  }
  return { byKernel, unfit };
}

function unfitMessage(t: Tied, release: string | null, under: readonly unknown[], kernels: readonly string[]): string {
  const scanned = `the scan holds the kernels ${kernels.join(", ")}`;
  if (release !== null) {
    const whose = t.tiedTo ? `tied to ${release}` : `${release}'s`;
    return `this export table is ${whose}, and ${scanned} but not that one, so it was applied to none`;
  }
  const where = under.length > 1 ? `, modules of ${under.length} of them in the directory it was found in` : "";
  return (
    `this export table names no kernel release and ${scanned}${where}, so it was applied to none; name its ` +
    `release with --table-release FILE=RELEASE or --kernel-release, or give it as symvers-<release>.gz`
  );
}

/** The tables with the releases the user tied them to: with one kernel, a tie names its release. */
export const withTies = <T extends Tied>(tables: T[]): T[] =>
  tables.some((t) => t.tiedTo) ? tables.map((t) => (t.tiedTo ? { ...t, release: t.tiedTo } : t)) : tables;

/** The kernels of the objects under a directory: `located` says where an object lies (located.ts). */
export function kernelsUnder(
  objects: readonly { path: string }[],
  located: (path: string) => string,
  kernelOf: readonly (string | null)[],
): (dir: string) => Set<string | null> {
  const at = objects.map((o) => located(o.path));
  return (dir) => {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    return new Set(kernelOf.filter((_, i) => at[i]!.startsWith(prefix)));
  };
}
