import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  statSync,
  type Dirent,
  type Stats,
} from "node:fs";
import { normalize } from "node:path";
import type { FileIdentity } from "../bytes/range-source.js";
import { compareCodeUnits } from "../core/order.js";
import { shownName } from "./path-bytes.js";

/** Which file a path named when it was listed: a later open that finds another refuses it. */
export type FileId = FileIdentity;

/**
 * `abs`: the path to open. `rawAbs`: the same path as bytes, where a name on it is not UTF-8 (`abs`
 * and `path` then show such names escaped, and cannot be opened). `dir`: the directory the file was
 * listed in, for its read to open it there (engine/open-listed.ts); `id`, where there is no /proc to
 * do that through: the file as listed, for its read to refuse another.
 */
export type WalkEntry =
  | { type: "file"; path: string; abs: string; followLinks: boolean; rawAbs?: Buffer; dir?: FileId; id?: FileId }
  | { type: "skip"; path: string; reason: string }
  | { type: "error"; path: string; message: string };

export interface WalkOptions {
  /**
   * Where this process's open file descriptors are named (`/proc/self/fd`), through which a name is
   * opened inside a directory already open; null where there is none (tests set it to hold the
   * fallback to the same refusals).
   */
  fdDir?: string | null;
}

const PROC_FD = "/proc/self/fd";
let procFd: string | null | undefined;
const defaultFdDir = (): string | null => (procFd ??= existsSync(`${PROC_FD}/0`) ? PROC_FD : null);

function kindOf(d: Dirent<string | Buffer> | Stats): string {
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

const idOf = (st: Stats): FileId => ({ dev: st.dev, ino: st.ino });
const sameFile = (a: FileId, b: FileId): boolean => a.dev === b.dev && a.ino === b.ino;

const CHANGED = "cannot read directory: changed while scanning (no longer the directory that was opened)";

/** Whether `path` still names the file `id`; a path that no longer leads anywhere does not. */
function stillAt(path: string | Buffer, id: FileId, stat: (p: string | Buffer) => Stats): boolean {
  try {
    return sameFile(idOf(stat(path)), id);
  } catch {
    return false;
  }
}

/**
 * Every file under the given paths, in sorted order, each reported exactly once: as a file to
 * read, a skip with its reason, or an error. Symlinks named on the command line are followed;
 * symlinks met inside a directory are not (as `find` does by default), so link loops cannot occur.
 * FIFOs and devices are reported, never opened. Paths are shown relative to a single scanned
 * directory, or as given when several paths are scanned.
 *
 * A directory is listed and descended through the descriptor it was opened as, never by its path
 * again: each name is opened inside the directory already open (`/proc/self/fd/<fd>/<name>`, without
 * following a last symlink), so a directory swapped for a symlink while the tree is walked is met as
 * the symlink it now is, never followed. Each file carries the (device, inode) of the directory it
 * was listed in, and is read inside that directory or not at all (engine/open-listed.ts), whatever
 * was swapped above it meanwhile. Open descriptors: one per level of the directory being walked,
 * closed as the walk leaves it.
 */
export function* walk(roots: readonly string[], options: WalkOptions = {}): Generator<WalkEntry> {
  const fdDir = options.fdDir === undefined ? defaultFdDir() : options.fdDir;
  const relativeToRoot = roots.length === 1;
  for (const root of roots) {
    let st: Stats;
    try {
      st = statSync(root);
    } catch (e) {
      yield { type: "error", path: root, message: `cannot open: ${errnoMessage(e)}` };
      continue;
    }
    if (st.isFile()) yield { type: "file", path: root, abs: root, followLinks: true, id: idOf(st) };
    // Normalised once here, so that below a child's path is its parent's plus its name, as
    // path.join would give it, without path.join's cost for every entry of a tree.
    else if (st.isDirectory()) {
      const dir = normalize(root);
      const shown = relativeToRoot ? "" : dir;
      let fd: number;
      try {
        // The root itself may be a symlink given on the command line: followed, as promised.
        fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
      } catch (e) {
        yield { type: "error", path: shown || ".", message: `cannot read directory: ${errnoMessage(e)}` };
        continue;
      }
      try {
        yield* walkDir({ fd, abs: dir, shown, id: idOf(fstatSync(fd)) }, fdDir);
      } finally {
        closeSync(fd);
      }
    } else yield { type: "skip", path: root, reason: `${kindOf(st)}, not a regular file` };
  }
}

/** `dir` + "/" + `name`, for a normalised `dir` and a name from a directory listing. */
const child = (dir: string, name: string): string => (dir.endsWith("/") ? dir + name : `${dir}/${name}`);
const rawChild = (dir: Buffer, name: Buffer): Buffer =>
  Buffer.concat(dir.at(-1) === 0x2f ? [dir, name] : [dir, Buffer.from("/"), name]);

/** An open directory: `abs` the path it was reached by (`rawAbs` as bytes, where not UTF-8). */
interface OpenDir {
  fd: number;
  abs: string;
  rawAbs?: Buffer;
  shown: string;
  id: FileId;
}

/** A listing, and the names in it that are not UTF-8, as bytes (the entries show them escaped). */
interface Listing {
  entries: Dirent<string>[];
  raw?: Map<Dirent<string>, Buffer>;
}

/**
 * The directory's entries, read through its descriptor. Names are read as text, and read again as
 * bytes only where one is not UTF-8 (Node would have put U+FFFD in its place, naming no file).
 */
function list(dir: OpenDir, fdDir: string | null): Listing {
  const where = fdDir === null ? (dir.rawAbs ?? dir.abs) : `${fdDir}/${dir.fd}`;
  const entries = readdirSync(where, { withFileTypes: true });
  if (!entries.some((d) => d.name.includes("\uFFFD"))) return { entries };
  const raw = new Map<Dirent<string>, Buffer>();
  const named = readdirSync(where, { withFileTypes: true, encoding: "buffer" }).map((d) => {
    const bytes = d.name;
    const shown = d as unknown as Dirent<string>;
    shown.name = shownName(bytes);
    if (shown.name !== bytes.toString("utf8")) raw.set(shown, bytes);
    return shown;
  });
  return { entries: named, raw };
}

/** File systems that do not report d_type list every entry as of no type. */
const typeUnknown = (d: Dirent<string>): boolean =>
  !d.isDirectory() &&
  !d.isSymbolicLink() &&
  !d.isFIFO() &&
  !d.isSocket() &&
  !d.isBlockDevice() &&
  !d.isCharacterDevice() &&
  !d.isFile();

/**
 * Synchronous, like the listing itself: the scan takes entries as they come, and an async
 * generator cost a promise per entry at every level of the tree.
 */
function* walkDir(dir: OpenDir, fdDir: string | null): Generator<WalkEntry> {
  let listing: Listing;
  try {
    // One call per directory, not per entry, and synchronous: a directory listing is quick, and an
    // awaited one left this thread idle for each.
    listing = list(dir, fdDir);
  } catch (e) {
    yield { type: "error", path: dir.shown || ".", message: `cannot read directory: ${errnoMessage(e)}` };
    return;
  }
  // Without /proc the listing went by path: it counts only if the path still leads to the
  // directory that was opened.
  if (fdDir === null && !stillAt(dir.rawAbs ?? dir.abs, dir.id, statSync)) {
    yield { type: "error", path: dir.shown || ".", message: CHANGED };
    return;
  }
  const { entries, raw: rawNames } = listing;
  entries.sort((a, b) => compareCodeUnits(a.name, b.name));
  for (const d of entries) {
    const name = d.name;
    const raw = rawNames?.get(d);
    const abs = child(dir.abs, name);
    const rawAbs =
      raw || dir.rawAbs ? rawChild(dir.rawAbs ?? Buffer.from(dir.abs), raw ?? Buffer.from(name)) : undefined;
    const shown = dir.shown ? child(dir.shown, name) : name;
    // The name inside the open directory, whatever has become of the path that led to it.
    const inside = (): string | Buffer =>
      fdDir === null
        ? (rawAbs ?? abs)
        : raw
          ? rawChild(Buffer.from(`${fdDir}/${dir.fd}`), raw)
          : `${fdDir}/${dir.fd}/${name}`;
    let kind: Dirent<string> | Stats = d;
    let st: Stats | undefined;
    if ((fdDir === null && d.isFile()) || typeUnknown(d)) {
      try {
        // Without /proc, a file's (device, inode) for its read to check; a type for file systems that
        // report none.
        kind = st = lstatSync(inside());
      } catch (e) {
        yield { type: "error", path: shown, message: `cannot stat: ${errnoMessage(e)}` };
        continue;
      }
    }
    if (kind.isDirectory()) yield* descend({ abs, ...(rawAbs ? { rawAbs } : {}), shown }, inside(), fdDir);
    else if (kind.isFile())
      yield {
        type: "file",
        path: shown,
        abs,
        followLinks: false,
        ...(rawAbs ? { rawAbs } : {}),
        ...(fdDir !== null ? { dir: dir.id } : st ? { id: idOf(st) } : {}),
      };
    else
      yield {
        type: "skip",
        path: shown,
        reason: kind.isSymbolicLink() ? "symbolic link, not followed" : `${kindOf(kind)}, not a regular file`,
      };
  }
}

/**
 * Opens a subdirectory inside its open parent, without following a symlink put in its place since
 * the listing, walks it, and closes it. Without /proc, it is opened by path and must still be the
 * directory `lstat` finds there.
 */
function* descend(
  sub: Omit<OpenDir, "fd" | "id">,
  inside: string | Buffer,
  fdDir: string | null,
): Generator<WalkEntry> {
  const raw = sub.rawAbs ? { rawAbs: sub.rawAbs } : {};
  let fd: number;
  try {
    fd = openSync(inside, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTDIR" && code !== "ELOOP") {
      yield { type: "error", path: sub.shown, message: `cannot read directory: ${errnoMessage(e)}` };
      return;
    }
    // Swapped since the listing: reported as what it is now, and not entered.
    let now: Stats;
    try {
      now = lstatSync(inside);
    } catch (e2) {
      yield { type: "error", path: sub.shown, message: `cannot stat: ${errnoMessage(e2)}` };
      return;
    }
    if (now.isFile()) yield { type: "file", path: sub.shown, abs: sub.abs, followLinks: false, ...raw, id: idOf(now) };
    else
      yield {
        type: "skip",
        path: sub.shown,
        reason: now.isSymbolicLink() ? "symbolic link, not followed" : `${kindOf(now)}, not a regular file`,
      };
    return;
  }
  try {
    const id = idOf(fstatSync(fd));
    if (fdDir === null && !stillAt(inside, id, lstatSync)) yield { type: "error", path: sub.shown, message: CHANGED };
    else yield* walkDir({ ...sub, fd, id }, fdDir);
  } finally {
    closeSync(fd);
  }
}
