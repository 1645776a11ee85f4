import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { type FileIdentity, fsPath, isListed, SWAPPED } from "../bytes/range-source.js";

/** Where a file the walk listed is to be found: in `dir`, the directory it was listed in, by its name. */
export interface Listed {
  /** Its path as the walk found it (bytes where a name is not UTF-8). */
  path: string | Uint8Array;
  /** The directory it was listed in (engine/walk.ts). */
  dir: FileIdentity;
}

const PROC_FD = "/proc/self/fd";

/**
 * The listed directory this thread holds open: the files of a batch are mostly of one directory,
 * so it is opened once for them, not once each. Closed once the thread is done with its batch.
 */
let held: { fd: number; id: FileIdentity } | undefined;
let releasing = false;

function release(): void {
  if (held) closeSync(held.fd);
  held = undefined;
}

/** A directory on a listed file's path is no longer the one it was listed in. */
export class SwappedError extends Error {}

/**
 * Opens the directory at `path` if it is still the directory `id` the walk listed; a directory
 * found there in its place (a symlink swapped in above it, say) is refused.
 */
function dirFd(path: string | Buffer, id: FileIdentity): number {
  if (held && isListed(held.id, id)) return held.fd;
  release();
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  if (!isListed(fstatSync(fd), id)) {
    closeSync(fd);
    throw new SwappedError(SWAPPED);
  }
  held = { fd, id };
  if (!releasing) {
    releasing = true;
    setImmediate(() => {
      releasing = false;
      release();
    }).unref();
  }
  return fd;
}

/**
 * Opens a file the walk listed inside the directory it listed it in (as openat would, through
 * /proc/self/fd), never following a symlink in its place: a directory on its path swapped for a
 * symlink since the listing is refused (SwappedError), not followed elsewhere.
 * Errors of the open itself carry its errno code, and name `path`, not /proc's.
 */
export function openListedSync(file: Listed, flags: number): number {
  const path = fsPath(file.path);
  let inside: string | Buffer;
  if (typeof path === "string") {
    const slash = path.lastIndexOf("/");
    inside = `${PROC_FD}/${dirFd(slash < 0 ? "." : path.slice(0, slash) || "/", file.dir)}/${path.slice(slash + 1)}`;
  } else {
    const slash = path.lastIndexOf(0x2f);
    const dir = slash < 0 ? "." : slash === 0 ? "/" : path.subarray(0, slash);
    inside = Buffer.concat([Buffer.from(`${PROC_FD}/${dirFd(dir, file.dir)}/`), path.subarray(slash + 1)]);
  }
  try {
    return openSync(inside, flags | constants.O_NOFOLLOW);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    err.message = err.message.replace(inside.toString(), path.toString());
    throw err;
  }
}
