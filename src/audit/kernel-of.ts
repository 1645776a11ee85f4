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

type Located = (path: string) => string;

/** Whether an object may be the glue a vendor blob is linked with: out-of-tree code naming a release. */
const mayBeGlue = (o: { facts: ObjectFacts }) =>
  o.facts.kind === "object" || !o.facts.modinfo.some(([k, v]) => k === "intree" && v === "Y");

/**
 * The objects whose defined symbols kernelsOf needs to find a glue (by path as given): the objects
 * that name no kernel and those that may be their glue, when the scan holds several kernels.
 */
export function glueCandidates(
  objects: readonly { path: string; facts: ObjectFacts }[],
  located: Located = (p) => p,
): string[] {
  const named = objects.map((o) => namedRelease({ path: located(o.path), facts: o.facts }));
  if (new Set(named.filter((r) => r !== null)).size <= 1 || !named.includes(null)) return [];
  return objects.filter((o, i) => named[i] === null || mayBeGlue(o)).map((o) => o.path);
}

/**
 * The kernel each object belongs to (design.md: a kernel is the unit of resolution), in the order
 * given: the release its path names, else its vermagic's. An object that names none (a vendor blob,
 * a VMkernel module, a module without vermagic) joins the kernel of its glue: the kernel whose
 * out-of-tree objects define the most of the symbols it imports or defines, the first when the glue
 * is a separate object the blob is linked with, the second when it is the module the blob was
 * linked into (`defined`: each glueCandidates object's defined symbols). Without a glue, or between glues
 * of several kernels (one blob built into each kernel's module), it joins the kernel of the nearest
 * directory, its own or one above, holding objects that name one: the kernel most of them belong to
 * there, and on a tie the first release in code-unit order, so that the answer depends on the files,
 * not on the order they were read in. With one kernel named (or none), every object belongs to it,
 * as before. `located`: where an object's path lies (a scan shows paths relative to the directory it
 * was given, whose own name may be the `lib/modules/<release>` that counts).
 */
export function kernelsOf(
  objects: readonly { path: string; facts: ObjectFacts }[],
  located: Located = (p) => p,
  defined: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
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
  const glues = objects.flatMap((o, i) => {
    const symbols = defined.get(o.path);
    return symbols && named[i] ? [{ release: named[i]!, symbols }] : [];
  });
  return paths.map((path, i) => {
    const r = named[i];
    if (r !== null && r !== undefined) return r;
    const linked = glueReleases(objects[i]!, defined.get(objects[i]!.path), glues);
    for (const dir of directoriesOf(path)) {
      const c = counts.get(dir);
      const mine = c && linked ? new Map([...c].filter(([k]) => linked.has(k))) : c;
      if (mine?.size) return mostCommon(mine);
    }
    return null; // unreachable: "" counts every object that names a release
  });
}

/** The releases whose glue defines the most of what `o` imports or defines; null when none does. */
function glueReleases(
  o: { facts: ObjectFacts },
  own: ReadonlySet<string> | undefined,
  glues: readonly { release: string; symbols: ReadonlySet<string> }[],
): Set<string> | null {
  if (glues.length === 0) return null;
  const shared = new Set([...o.facts.imports.map((i) => i.symbol), ...(own ?? [])].filter(linkable));
  // A glue is often several objects (wl_linux.o and wl_iw.o around one blob): a kernel's count is
  // of the symbols any of its glue objects defines.
  const score = new Map<string, number>();
  for (const symbol of shared) {
    const by = new Set(glues.filter((g) => g.symbols.has(symbol)).map((g) => g.release));
    for (const release of by) score.set(release, (score.get(release) ?? 0) + 1);
  }
  if (score.size === 0) return null;
  const best = Math.max(...score.values());
  return new Set([...score].filter(([, n]) => n === best).map(([k]) => k));
}

/**
 * Whether a symbol says anything about which objects were linked together: every module defines
 * init_module, cleanup_module and __this_module, and `__` names are the toolchain's and kbuild's.
 */
const linkable = (symbol: string) =>
  !symbol.startsWith("__") && symbol !== "init_module" && symbol !== "cleanup_module";

function mostCommon(counts: ReadonlyMap<string, number>): string {
  let best: [string, number] | null = null;
  for (const [r, n] of counts) {
    if (!best || n > best[1] || (n === best[1] && compareCodeUnits(r, best[0]) < 0)) best = [r, n];
  }
  return best![0];
}
