import { constants } from "node:fs";
import { open } from "node:fs/promises";

export type ReadOutcome = { ok: true; bytes: Buffer } | { ok: false; skip?: string; error?: string };

/**
 * Reads one regular file whole. Opened non-blocking and checked with fstat after opening, so a
 * file swapped for a FIFO or device between listing and reading is reported instead of blocking,
 * and a swapped-in symlink is refused where links are not to be followed.
 */
export async function readRegularFile(abs: string, followLinks: boolean, maxBytes: number): Promise<ReadOutcome> {
  let fh;
  try {
    fh = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ELOOP" && !followLinks) return { ok: false, skip: "symbolic link, not followed" };
    return { ok: false, error: `cannot open: ${err.code ?? ""} ${err.message.replace(/^\w+: /, "")}`.trim() };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, skip: "not a regular file (changed while scanning)" };
    if (st.size > maxBytes) return { ok: false, error: `file of ${st.size} bytes exceeds the ${maxBytes}-byte limit per file` };
    const bytes = await fh.readFile();
    return { ok: true, bytes };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, error: `cannot read: ${err.code ?? ""} ${err.message.replace(/^\w+: /, "")}`.trim() };
  } finally {
    await fh.close();
  }
}
