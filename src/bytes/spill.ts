import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSource, type RangeSource } from "./range-source.js";

/**
 * A member taken out of a decoder's output from this size on is written to a temporary file rather
 * than held: an archive nested in a compressed archive is opened from its member's bytes, and at
 * every level of nesting those would otherwise all be in memory at once.
 */
export const SPILL_FROM = 16 << 20;

/** What the next bytes of a stream become: read `n` of them, `read` giving fewer only at its end. */
type Reader = (n: number) => Promise<Buffer>;

/**
 * `size` bytes from `read` in a file of their own, removed from its directory at once (the open
 * descriptor keeps it until `close`). Null when the stream ends first.
 */
export async function spilled(read: Reader, size: number): Promise<(RangeSource & { close(): Promise<void> }) | null> {
  const dir = await mkdtemp(join(tmpdir(), "kmodaudit-member-"));
  const path = join(dir, "member");
  try {
    const out = await open(path, "wx");
    try {
      for (let at = 0; at < size; ) {
        const b = await read(Math.min(WINDOW, size - at));
        if (b.length === 0) return null;
        await out.write(b, 0, b.length, at);
        at += b.length;
      }
    } finally {
      await out.close();
    }
    return await fileSource(path, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const WINDOW = 1 << 20;
