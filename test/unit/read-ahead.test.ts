import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readBatch, receivedReads, Regions } from "../../src/engine/read-ahead.js";
import type { FileRead } from "../../src/engine/inspect-file.js";

/*
 * What a reading thread hands the parsing thread must be exactly what the parsing thread would
 * have read itself (engine/read-ahead.ts): the same bytes, wherever they landed, and the sha256 of
 * those bytes.
 */
const SAMPLES = join(import.meta.dirname, "../../samples");
const modules = ["gpl_clean.ko", "signed_gpl.ko", "proprietary_gpl_use.ko", "vendor_glue.ko"].map((f) =>
  join(SAMPLES, f),
);
const task = (abs: string) => ({ abs, followLinks: false });

/** Reads as the reading thread does, and receives as the parsing thread does. */
function throughRegion(files: string[], regionBytes: number): FileRead[] {
  const into = new SharedArrayBuffer(regionBytes);
  const { reads } = readBatch({ id: 0, read: files.map(task), into, maxBytes: 1 << 30 });
  return receivedReads(into, reads);
}

const bytesOf = (r: FileRead) => {
  if (!("bytes" in r)) throw new Error(`not read: ${JSON.stringify(r)}`);
  return r;
};

describe("reading ahead into shared memory", () => {
  it("gives each file's bytes, one after another in the region", () => {
    const got = throughRegion(modules, 8 << 20);
    got.forEach((r, i) => expect(Buffer.compare(bytesOf(r).bytes, readFileSync(modules[i]!))).toBe(0));
  });

  it("gives an ELF file's sha256, as sha256sum computes it", () => {
    const got = throughRegion(modules, 8 << 20);
    const sums = execFileSync("sha256sum", modules, { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => l.split(/\s+/)[0]);
    expect(got.map((r) => bytesOf(r).sha256)).toEqual(sums);
  });

  it("gives a file the region has no room left for in a buffer of its own", () => {
    const size = readFileSync(modules[0]!).length;
    // Room for the first file only.
    const got = throughRegion(modules, size + 8);
    const first = bytesOf(got[0]!).bytes;
    const rest = got.slice(1).map((r) => bytesOf(r).bytes);
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const b of rest) expect(b.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    rest.forEach((b, i) => expect(Buffer.compare(b, readFileSync(modules[i + 1]!))).toBe(0));
    expect(bytesOf(got[1]!).sha256).toBe(createHash("sha256").update(readFileSync(modules[1]!)).digest("hex"));
  });

  it("leaves a compressed file unhashed: its sha256 is of what it decompresses to", () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-read-ahead-"));
    const gz = join(dir, "gpl_clean.ko.gz");
    writeFileSync(gz, gzipSync(readFileSync(modules[0]!)));
    const [read] = throughRegion([gz], 1 << 20);
    expect(bytesOf(read!).sha256).toBeUndefined();
    expect(Buffer.compare(bytesOf(read!).bytes, readFileSync(gz))).toBe(0);
  });

  it("reports what cannot be read as a read of its own would, and goes on", () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-read-ahead-"));
    const fifo = join(dir, "fifo.ko");
    execFileSync("mkfifo", [fifo]);
    const got = throughRegion([join(dir, "missing.ko"), fifo, modules[0]!], 1 << 20);
    expect(got[0]).toEqual({ error: expect.stringMatching(/^cannot open: ENOENT/), code: "ENOENT" });
    expect(got[1]).toEqual({ skip: "not a regular file (changed while scanning)" });
    expect(Buffer.compare(bytesOf(got[2]!).bytes, readFileSync(modules[0]!))).toBe(0);
  });
});

describe("regions lent to the reader", () => {
  it("are lent one batch at a time: the next borrower waits for a release", async () => {
    const regions = new Regions(2, 1024);
    const a = await regions.acquire();
    const b = await regions.acquire();
    expect(a).not.toBe(b);
    let third: SharedArrayBuffer | undefined;
    const waiting = regions.acquire().then((r) => (third = r));
    await Promise.resolve();
    expect(third).toBeUndefined();
    regions.release(a);
    await waiting;
    expect(third).toBe(a);
  });
});
