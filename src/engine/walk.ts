import { lstatSync, readdirSync, statSync, type Dirent, type Stats } from "node:fs";
import { normalize } from "node:path";
import { compareCodeUnits } from "../core/order.js";

export type WalkEntry =
  | { type: "file"; path: string; abs: string; followLinks: boolean }
  | { type: "skip"; path: string; reason: string }
  | { type: "error"; path: string; message: string };

function kindOf(d: Dirent | Stats): string {
  if (d.isSymbolicLink()) return "symbolic link";
  if (d.isFIFO()) return "FIFO";
  if (d.isSocket()) return "socket";
  if (d.isBlockDevice()) return "block device";
  if (d.isCharacterDevice()) return "character device";
  return "special file";
}

function errnoMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^\w+: /, "")}` : String(e);
}

/**
 * Every file under the given paths, in sorted order, each reported exactly once: as a file to
 * read, a skip with its reason, or an error. Symlinks named on the command line are followed;
 * symlinks met inside a directory are not (as `find` does by default), so link loops cannot occur.
 * FIFOs and devices are reported, never opened. Paths are shown relative to a single scanned
 * directory, or as given when several paths are scanned.
 */
export function* walk(roots: readonly string[]): Generator<WalkEntry> {
  const relativeToRoot = roots.length === 1;
  for (const root of roots) {
    let st: Stats;
    try {
      st = statSync(root);
    } catch (e) {
      yield { type: "error", path: root, message: `cannot open: ${errnoMessage(e)}` };
      continue;
    }
    if (st.isFile()) yield { type: "file", path: root, abs: root, followLinks: true };
    // Normalised once here, so that below a child's path is its parent's plus its name, as
    // path.join would give it, without path.join's cost for every entry of a tree.
    else if (st.isDirectory()) {
      const dir = normalize(root);
      yield* walkDir(dir, relativeToRoot ? "" : dir);
    } else yield { type: "skip", path: root, reason: `${kindOf(st)}, not a regular file` };
  }
}

/** `dir` + "/" + `name`, for a normalised `dir` and a name from a directory listing. */
const child = (dir: string, name: string): string => (dir.endsWith("/") ? dir + name : `${dir}/${name}`);

/**
 * Synchronous, like the listing itself: the scan takes entries as they come, and an async
 * generator cost a promise per entry at every level of the tree.
 */
function* walkDir(abs: string, shown: string): Generator<WalkEntry> {
  let entries: Dirent[];
  try {
    // One call per directory, not per entry, and synchronous: a directory listing is quick, and an
    // awaited one left this thread idle for each.
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    yield { type: "error", path: shown || ".", message: `cannot read directory: ${errnoMessage(e)}` };
    return;
  }
  entries.sort((a, b) => compareCodeUnits(a.name, b.name));
  for (const d of entries) {
    const childAbs = child(abs, d.name);
    const childShown = shown ? child(shown, d.name) : d.name;
    let kind: Dirent | Stats = d;
    if (
      !d.isFile() &&
      !d.isDirectory() &&
      !d.isSymbolicLink() &&
      !d.isFIFO() &&
      !d.isSocket() &&
      !d.isBlockDevice() &&
      !d.isCharacterDevice()
    ) {
      try {
        kind = lstatSync(childAbs); // file systems that do not report d_type
      } catch (e) {
        yield { type: "error", path: childShown, message: `cannot stat: ${errnoMessage(e)}` };
        continue;
      }
    }
    if (kind.isDirectory()) yield* walkDir(childAbs, childShown);
    else if (kind.isFile()) yield { type: "file", path: childShown, abs: childAbs, followLinks: false };
    else
      yield {
        type: "skip",
        path: childShown,
        reason: kind.isSymbolicLink() ? "symbolic link, not followed" : `${kindOf(kind)}, not a regular file`,
      };
  }
}
