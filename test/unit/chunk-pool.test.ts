import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ByteStream } from "../../src/bytes/byte-stream.js";
import { ChunkPool } from "../../src/bytes/chunk-pool.js";
import { fileSource } from "../../src/bytes/range-source.js";

/*
 * A streamed package's chunks are reused: the decoder fills a chunk the reader gave back. Whatever
 * the reader handed on must then be its own bytes, never a view of a chunk that is filled again.
 */

/**
 * `bytes` as a decoder with a pool hands them on: each chunk copied into one taken from `pool`;
 * `used`: every buffer it took.
 */
async function* pooled(bytes: Buffer, pool: ChunkPool, used = new Set<ArrayBufferLike>()): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += pool.size) {
    const part = bytes.subarray(at, at + pool.size);
    const chunk = pool.take(part.length);
    used.add(chunk.buffer);
    part.copy(chunk);
    yield chunk;
  }
}

describe("ChunkPool", () => {
  it("hands out again a chunk given back", () => {
    const pool = new ChunkPool(64);
    const a = pool.take(64);
    pool.give(a);
    expect(pool.take(10).buffer).toBe(a.buffer);
  });

  it("takes back a chunk once, however often it is given", () => {
    const pool = new ChunkPool(64);
    const a = pool.take(64);
    pool.give(a);
    pool.give(a);
    const first = pool.take(64);
    expect(first.buffer).toBe(a.buffer);
    expect(pool.take(64).buffer).not.toBe(first.buffer);
  });

  it("leaves alone a buffer it did not hand out", () => {
    const pool = new ChunkPool(64);
    const foreign = Buffer.alloc(64);
    pool.give(foreign);
    expect(pool.take(64).buffer).not.toBe(foreign.buffer);
  });

  it("keeps no more spares than it was told", () => {
    const pool = new ChunkPool(64, 1);
    const a = pool.take(64);
    const b = pool.take(64);
    pool.give(a);
    pool.give(b);
    expect(pool.take(64).buffer).toBe(a.buffer);
    expect(pool.take(64).buffer).not.toBe(b.buffer);
  });

  it("gives a buffer of its own for more than a chunk", () => {
    const pool = new ChunkPool(64);
    expect(pool.take(100).length).toBe(100);
  });
});

describe("a ByteStream over pooled chunks", () => {
  const bytes = randomBytes(10_000);

  it("hands on copies: what was read stays as read while its chunks are filled again", async () => {
    const pool = new ChunkPool(256);
    const s = ByteStream.ofChunks(pooled(bytes, pool), pool);
    const got: Buffer[] = [];
    // Reads inside one chunk, across chunks, peeks and parts taken as sources, all kept to the end.
    const sizes = [10, 300, 1, 200, 56, 700, 3];
    for (let i = 0; !(await s.atEnd()); i++) {
      const n = sizes[i % sizes.length]!;
      if (i % 5 === 0) await s.peek(n);
      if (i % 4 === 0) {
        const part = await s.take(Math.min(n, bytes.length - s.offset));
        got.push(await part!.read(0, part!.size));
      } else got.push(await s.read(n));
    }
    expect(Buffer.concat(got).equals(bytes)).toBe(true);
  });

  it("reuses a handful of chunks from front to back, not one per chunk", async () => {
    const pool = new ChunkPool(256);
    const used = new Set<ArrayBufferLike>();
    const s = ByteStream.ofChunks(pooled(bytes, pool, used), pool);
    for (let i = 0; !(await s.atEnd()); i++) await (i % 2 ? s.skip(1000) : s.read(300));
    // 40 chunks of 256 bytes; each read holds at most the chunks it spans.
    expect(used.size).toBeLessThanOrEqual(6);
  });

  it("gives back the chunks it still holds when closed early", async () => {
    const pool = new ChunkPool(256);
    const used = new Set<ArrayBufferLike>();
    const s = ByteStream.ofChunks(pooled(bytes, pool, used), pool);
    const first = await s.peek(1000);
    await s.close();
    expect(first.equals(bytes.subarray(0, 1000))).toBe(true);
    // The four chunks the peek buffered are spares again.
    for (let i = 0; i < 4; i++) expect(used.has(pool.take(256).buffer)).toBe(true);
  });
});

describe("a file source read into a reused buffer", () => {
  it("reads into the buffer it is given and returns its bytes there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-chunk-pool-"));
    const path = join(dir, "f");
    const bytes = randomBytes(5000);
    writeFileSync(path, bytes);
    const src = await fileSource(path);
    try {
      const into = Buffer.alloc(4096);
      const got = await src.read(1000, 3000, into);
      expect(got.buffer).toBe(into.buffer);
      expect(got.equals(bytes.subarray(1000, 4000))).toBe(true);
      // A buffer too small is not written past: the read gets one of its own.
      const small = Buffer.alloc(10);
      expect((await src.read(0, 20, small)).equals(bytes.subarray(0, 20))).toBe(true);
      expect(small.equals(Buffer.alloc(10))).toBe(true);
    } finally {
      await src.close();
    }
  });
});
