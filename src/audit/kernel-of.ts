import type { ObjectFacts } from "../core/facts.js";
import { compareCodeUnits } from "../core/order.js";
import { releaseOfVermagic } from "../resolve/release.js";

/** A `lib/modules/<release>/` directory anywhere in a path or provenance chain (`a.deb!/data.tar!/…`). */
const TREE = /(?:^|\/)lib\/modules\/([^/!]+)\//g;

/** The release of the last `lib/modules/<release>/` directory the path passes through, if any. */
export function releaseInPath(path: string): string | null {
  let release: string | null = null;
  for (const m of path.matchAll(TREE)) release = m[1]!;
  return release;
}

/** What an object names of its kernel: its tree's directory, else a Linux module's vermagic. */
export function namedRelease(o: { path: string; facts: ObjectFacts }): string | null {
  const inPath = releaseInPath(o.path);
  if (inPath) return inPath;
  const f = o.facts;
  return f.kind === "module" && f.dialect === "linux" && f.vermagic ? releaseOfVermagic(f.vermagic) || null : null;
}

/** The directories a path sits in, nearest first, down to "" (the scan's top). */
function* directoriesOf(path: string): Generator<string> {
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) yield path.slice(0, i);
  yield "";
}

/**
 * The kernel each object belongs to (design.md: a kernel is the unit of resolution), in the order
 * given: the release its path names, else its vermagic's. An object that names none (a vendor blob,
 * a VMkernel module, a module without vermagic) joins the kernel of the nearest directory, its own
 * or one above, holding objects that name one: the kernel most of them belong to there, and on a tie
 * the first release in code-unit order, so that the answer depends on the files, not on the order
 * they were read in. With one kernel named (or none), every object belongs to it, as before.
 * `located`: where an object's path lies (a scan shows paths relative to the directory it was
 * given, whose own name may be the `lib/modules/<release>` that counts).
 */
export function kernelsOf(
  objects: readonly { path: string; facts: ObjectFacts }[],
  located: (path: string) => string = (p) => p,
): (string | null)[] {
  const paths = objects.map((o) => located(o.path));
  const named = objects.map((o, i) => namedRelease({ path: paths[i]!, facts: o.facts }));
  const releases = new Set(named.filter((r) => r !== null));
  if (releases.size <= 1) {
    const only = releases.size === 1 ? [...releases][0]! : null;
    return named.map(() => only);
  }
  // Per directory: how many objects at or below it name each release.
  const counts = new Map<string, Map<string, number>>();
  paths.forEach((path, i) => {
    const r = named[i];
    if (r === null || r === undefined) return;
    for (const dir of directoriesOf(path)) {
      let c = counts.get(dir);
      if (!c) counts.set(dir, (c = new Map()));
      c.set(r, (c.get(r) ?? 0) + 1);
    }
  });
  return paths.map((path, i) => {
    const r = named[i];
    if (r !== null && r !== undefined) return r;
    for (const dir of directoriesOf(path)) {
      const c = counts.get(dir);
      if (c) return mostCommon(c);
    }
    return null; // unreachable: "" counts every object that names a release
  });
}

function mostCommon(counts: ReadonlyMap<string, number>): string {
  let best: [string, number] | null = null;
  for (const [r, n] of counts) {
    if (!best || n > best[1] || (n === best[1] && compareCodeUnits(r, best[0]) < 0)) best = [r, n];
  }
  return best![0];
}
