import { execFileSync, execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { FormatError } from "../../src/core/errors.js";
import { DEFAULT_LIMITS, type DecodeLimits } from "../../src/core/limits.js";
import { fileSource, type RangeSource, subSource } from "../../src/bytes/range-source.js";
import type { StreamInput } from "../../src/bytes/stream-input.js";
import { xzBlocksParse, xzDeclaredSize } from "../../src/bytes/xz-index.js";
import { laneCallsAtOnce } from "../../src/bytes/xz-lanes.js";
import {
  liblzmaCoder,
  openXzDecoders,
  type XzChunkOptions,
  xzChunks,
  xzChunksLzmaNative,
  xzDeclaredSizeOf,
} from "../../src/bytes/xz-stream.js";
import { compressibleText } from "../helpers/compressible-text.js";

const dir = mkdtempSync(join(tmpdir(), "kmodaudit-xz-stream-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const xz = (input: Buffer, args: string[] = []) => execFileSync("xz", ["-c", ...args], { input, maxBuffer: 1 << 30 });
const unxz = (input: Uint8Array) => execFileSync("xz", ["-dc"], { input, maxBuffer: 1 << 30 });

const text = compressibleText;

type Decoder = (input: StreamInput, limits: DecodeLimits, options?: XzChunkOptions) => AsyncIterable<Buffer>;
const DECODERS: [string, Decoder, XzChunkOptions][] = [
  ["liblzma, 2 threads", xzChunks, { threads: 2 }],
  ["liblzma, 1 thread", xzChunks, { threads: 1 }],
  ["lzma-native", xzChunksLzmaNative, {}],
];

async function collect(decode: Decoder, input: StreamInput, limits = DEFAULT_LIMITS, options: XzChunkOptions = {}) {
  const chunks: Buffer[] = [];
  for await (const chunk of decode(input, limits, options)) chunks.push(chunk);
  return chunks;
}

async function failure(decode: Decoder, input: StreamInput, limits = DEFAULT_LIMITS, options: XzChunkOptions = {}) {
  const err = await collect(decode, input, limits, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).structure).toBe("xz stream");
  return err as FormatError;
}

const plain = text(6 << 20, 1);
// 256 KiB blocks: two dozen of them, so that threads have blocks to share out.
const multiBlock = xz(plain, ["-T2", "--block-size=256KiB"]);
const second = text(300_000, 2);
// Stream padding (a multiple of four zero bytes) between streams is part of the format.
const concatenated = Buffer.concat([xz(plain.subarray(0, 1 << 20)), Buffer.alloc(8), xz(second), xz(Buffer.alloc(0))]);

it("finds the system's liblzma (else the fallback would be all that is tested)", async () => {
  expect(await liblzmaCoder()).not.toBeNull();
});

describe.each(DECODERS)("%s", (_name, decode, options) => {
  it("gives what xz -dc gives on a multi-block stream, in chunks of at most chunkBytes", async () => {
    writeFileSync(join(dir, "multi.xz"), multiBlock);
    const blocks = /^file\t1\t(\d+)\t/m.exec(
      execFileSync("xz", ["--robot", "--list", join(dir, "multi.xz")]).toString(),
    );
    expect(Number(blocks?.[1])).toBeGreaterThan(20);
    const chunks = await collect(decode, multiBlock, DEFAULT_LIMITS, { ...options, chunkBytes: 100_000 });
    expect(Buffer.concat(chunks).equals(unxz(multiBlock))).toBe(true);
    expect(chunks.length).toBeGreaterThan(60);
    expect(chunks.every((c) => c.length <= 100_000 && c.length > 0)).toBe(true);
    if (decode === xzChunks) expect(chunks.slice(0, -1).every((c) => c.length === 100_000)).toBe(true);
  });

  it("gives concatenated streams (with stream padding between) one after another, as xz -dc does", async () => {
    const whole = Buffer.concat(await collect(decode, concatenated, DEFAULT_LIMITS, options));
    expect(whole.equals(unxz(concatenated))).toBe(true);
    expect(whole.equals(Buffer.concat([plain.subarray(0, 1 << 20), second]))).toBe(true);
  });

  it("reports a truncated stream as a FormatError", async () => {
    for (const cut of [multiBlock.length >> 1, multiBlock.length - 3]) {
      const err = await failure(decode, multiBlock.subarray(0, cut), DEFAULT_LIMITS, options);
      expect(err.message).toMatch(/^xz stream: truncated: /);
      expect(err.offset).toBe(cut);
    }
  });

  it("reports corrupt data as a FormatError", async () => {
    const damaged = Buffer.from(multiBlock);
    for (let i = 0; i < 64; i++) damaged[(multiBlock.length >> 1) + i * 7]! ^= 0x55;
    expect((await failure(decode, damaged, DEFAULT_LIMITS, options)).message).toMatch(/corrupt/i);
  });

  it("reports what is not xz as a FormatError", async () => {
    for (const input of [Buffer.from("not an xz stream at all, just text"), Buffer.alloc(0)]) {
      const err = await failure(decode, input, DEFAULT_LIMITS, options);
      expect(err.message).toBe("xz stream: not in the xz format (at offset 0)");
    }
  });

  it("refuses a dictionary larger than limits.xzMemlimit", async () => {
    const err = await failure(decode, multiBlock, { ...DEFAULT_LIMITS, xzMemlimit: 1 << 20 }, options);
    expect(err.message).toMatch(/needs more memory than the 1048576 bytes|Memory usage limit/);
  });

  it("gives the same bytes and the same errors from a file, and from a part of a bigger file, as from memory", async () => {
    const damaged = Buffer.from(multiBlock);
    for (let i = 0; i < 64; i++) damaged[(multiBlock.length >> 1) + i * 7]! ^= 0x55;
    const inputs = [
      multiBlock,
      concatenated,
      multiBlock.subarray(0, multiBlock.length >> 1),
      multiBlock.subarray(0, multiBlock.length - 3),
      damaged,
      Buffer.from("not an xz stream at all, just text"),
      Buffer.alloc(0),
    ];
    for (const [i, input] of inputs.entries()) {
      const expected = await outcome(decode, input, options);
      await withSources(`in-${i}`, input, async (source) => {
        expect(await outcome(decode, source, options)).toEqual(expected);
      });
    }
    // The index is read from the source's end, not the file's: a bomb's refusal holds for a part too.
    await withSources("zeros", xz(Buffer.alloc(4 << 20)), async (source) => {
      const err = await failure(decode, source, { ...DEFAULT_LIMITS, maxDecompressedBytes: 1 << 20 }, options);
      expect(err.message).toMatch(/declares 4194304 bytes: expands past the limit of 1048576 bytes/);
    });
  });

  it("ends its decoder when the consumer stops early", async () => {
    const before = openXzDecoders();
    let seen = 0;
    for await (const _ of decode(multiBlock, DEFAULT_LIMITS, { ...options, chunkBytes: 1 << 16 })) {
      expect(openXzDecoders()).toBe(before + 1);
      if (++seen === 3) break;
    }
    expect(openXzDecoders()).toBe(before);
    // And after an error.
    await failure(decode, multiBlock.subarray(0, 1000), DEFAULT_LIMITS, options);
    expect(openXzDecoders()).toBe(before);
  });
});

/** Each input as a file of its own, and as a part of a bigger file with other bytes both sides. */
async function withSources(name: string, input: Buffer, use: (source: RangeSource) => Promise<void>) {
  const alone = join(dir, `${name}.xz`);
  const inside = join(dir, `${name}.inside`);
  writeFileSync(alone, input);
  const before = Buffer.concat([Buffer.from("!<arch>\n"), xz(Buffer.from("a member before")), Buffer.alloc(3)]);
  writeFileSync(inside, Buffer.concat([before, input, xz(Buffer.from("and one after"))]));
  const file = await fileSource(alone);
  const big = await fileSource(inside);
  try {
    await use(file);
    await use(subSource(big, before.length, input.length));
  } finally {
    await file.close();
    await big.close();
  }
}

/** What a decode comes to: the output's hash, or the error's type, message and offset. */
async function outcome(decode: Decoder, input: StreamInput, options: XzChunkOptions) {
  const hash = createHash("sha256");
  try {
    for await (const chunk of decode(input, DEFAULT_LIMITS, options)) hash.update(chunk);
    return { output: hash.digest("hex") };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message, offset: (e as FormatError).offset };
  }
}

describe("xzDeclaredSizeOf", () => {
  it("answers as xzDeclaredSize does on the same bytes, whole, cut, damaged at the end, or not xz", async () => {
    const inputs: Buffer[] = [multiBlock, concatenated, xz(Buffer.alloc(0)), Buffer.alloc(24), Buffer.from("YZ")];
    for (let cut = 1; cut < 200; cut += 3) inputs.push(multiBlock.subarray(0, multiBlock.length - cut));
    for (let i = 1; i <= 40; i++) {
      const damaged = Buffer.from(concatenated);
      damaged[damaged.length - i]! ^= 1 << (i % 8);
      inputs.push(damaged);
    }
    // A Backward Size past the start of the input, and one far larger than any index read at once.
    const lying = Buffer.from(multiBlock);
    lying.writeUInt32LE(0xffff_fff0, lying.length - 8);
    inputs.push(lying);
    let known = 0;
    for (const [i, input] of inputs.entries()) {
      const expected = xzDeclaredSize(input);
      if (expected !== undefined) known++;
      await withSources(`index-${i}`, input, async (source) => {
        expect(await xzDeclaredSizeOf(source)).toBe(expected);
      });
    }
    expect(known).toBeGreaterThanOrEqual(3);
  });

  it("reads an index larger than its read window (tens of thousands of blocks) as xzDeclaredSize does", async () => {
    // Only the header, index and footer are read, so a stream header, room for the blocks and an index
    // of 40000 records will do.
    const vli = (n: number) => {
      const out: number[] = [];
      for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n & 0x7f) | 0x80);
      return [...out, n];
    };
    const records = Array.from({ length: 40_000 }, (_, i) => [...vli(100 + (i % 20)), ...vli(300 + i)]).flat();
    const body = [0x00, ...vli(40_000), ...records];
    const index = Buffer.concat([Buffer.from(body), Buffer.alloc((4 - (body.length % 4)) % 4), Buffer.alloc(4)]);
    const footer = Buffer.alloc(12);
    footer.writeUInt32LE(index.length / 4 - 1, 4);
    footer.write("YZ", 10, "latin1");
    const header = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0, 0, 0, 0, 0]);
    const blocks = Array.from({ length: 40_000 }, (_, i) => Math.ceil((100 + (i % 20)) / 4) * 4).reduce(
      (a, b) => a + b,
    );
    const many = Buffer.concat([header, Buffer.alloc(blocks), index, footer]);
    expect(index.length).toBeGreaterThan(1 << 17);
    const expected = xzDeclaredSize(many);
    expect(expected).toBe(40_000 * 300 + (40_000 * 39_999) / 2);
    await withSources("many-blocks", many, async (source) => {
      expect(await xzDeclaredSizeOf(source)).toBe(expected);
    });
  });
});

describe("decompression bombs", () => {
  // 32 streams of 64 MiB of zeros each (2 GiB out of well under a megabyte), and, before a small last
  // stream, four bytes that are no stream: the walk of the indexes from the end stops there, so
  // nothing is refused before decoding (the decoder meets them only after the 2 GiB).
  const zeros = xz(Buffer.alloc(64 << 20), ["-T2", "--block-size=16MiB"]);
  const bomb = Buffer.concat([
    ...Array.from({ length: 32 }, () => zeros),
    Buffer.from("junk"),
    xz(Buffer.from("tail\n")),
  ]);

  it.each(DECODERS)("%s: stops at the expansion ratio with a FormatError naming it", async (_name, decode, options) => {
    let total = 0;
    const err = await (async () => {
      for await (const chunk of decode(bomb, DEFAULT_LIMITS, options)) total += chunk.length;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/a decompression bomb \(--max-ratio\)/);
    expect(total).toBeLessThanOrEqual(Math.max(16 << 20, bomb.length * DEFAULT_LIMITS.maxExpansionRatio));
  });

  it("decodes 1.5 GB of it and stops at --max-decompressed without ever holding it", async () => {
    const limits = { ...DEFAULT_LIMITS, maxExpansionRatio: 1e9, maxDecompressedBytes: 1.5e9 };
    const rss = process.memoryUsage.rss();
    let peak = rss;
    let total = 0;
    const err = await (async () => {
      for await (const chunk of xzChunks(bomb, limits, { threads: 2 })) {
        total += chunk.length;
        peak = Math.max(peak, process.memoryUsage.rss());
      }
    })().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/expands past the limit of 1500000000 bytes \(--max-decompressed\)/);
    expect(total).toBeLessThanOrEqual(1.5e9);
    expect(total).toBeGreaterThan(1.4e9);
    expect(peak - rss).toBeLessThan(400 << 20);
  });

  it("refuses a single stream whose index declares more than the budget, before decoding", async () => {
    let chunks = 0;
    const err = await (async () => {
      for await (const _ of xzChunks(zeros, { ...DEFAULT_LIMITS, maxDecompressedBytes: 1 << 20 })) chunks++;
    })().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/declares 67108864 bytes: expands past the limit of 1048576 bytes/);
    expect(chunks).toBe(0);
  });
});

describe("threads", () => {
  const callsAtOnce = async (input: Buffer, options: XzChunkOptions) => {
    laneCallsAtOnce(true);
    for await (const _ of xzChunks(input, DEFAULT_LIMITS, { ...options, chunkBytes: 1 << 16 }));
    return laneCallsAtOnce(true);
  };

  it("decodes the blocks of a multi-block stream on as many threads at once as it is given", async () => {
    expect(await callsAtOnce(multiBlock, { threads: 4 })).toBe(4);
    expect(await callsAtOnce(multiBlock, { threads: 1 })).toBe(1);
  });

  it("decodes a file whose index cannot be read (cut short) on one thread, from the front", async () => {
    const cut = multiBlock.subarray(0, multiBlock.length - 3);
    const got: Buffer[] = [];
    laneCallsAtOnce(true);
    await expect(
      (async () => {
        for await (const chunk of xzChunks(cut, DEFAULT_LIMITS, { threads: 4 })) got.push(chunk);
      })(),
    ).rejects.toThrow(/truncated/);
    expect(laneCallsAtOnce(true)).toBe(1);
    // Every block was whole: all of the output came before the error.
    expect(Buffer.concat(got).equals(plain)).toBe(true);
  });

  it("meets a damaged block only when the reader reaches it: the blocks before it come out whole, the error always at one offset", async () => {
    const blocks = xzBlocks(multiBlock);
    const hit = blocks[Math.floor(blocks.length / 2)]!;
    const damaged = Buffer.from(multiBlock);
    damaged[hit.at + (hit.size >> 1)]! ^= 0x55;
    const before = blocks.filter((b) => b.at < hit.at).reduce((n, b) => n + b.out, 0);
    const offsets = new Set<number | undefined>();
    for (let run = 0; run < 5; run++) {
      const got: Buffer[] = [];
      const err = await (async () => {
        for await (const chunk of xzChunks(damaged, DEFAULT_LIMITS, { threads: 4, chunkBytes: 1000 })) got.push(chunk);
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).message).toMatch(/corrupt data/);
      offsets.add((err as FormatError).offset);
      // What the damaged block gave before liblzma saw the damage may be garbage, as from any streaming decoder.
      const out = Buffer.concat(got).subarray(0, before);
      expect(out.length).toBeGreaterThan(before - 1000);
      expect(out.equals(plain.subarray(0, out.length))).toBe(true);
    }
    expect(offsets.size).toBe(1);
    const [offset] = offsets;
    expect(offset).toBeGreaterThan(hit.at);
    expect(offset).toBeLessThanOrEqual(hit.at + hit.size);
  });

  it("fails a block that decodes to more or fewer bytes than its index says, which it only learns by decoding", async () => {
    const blocks = xzBlocks(multiBlock);
    const out = blocks[3]!.out;
    for (const [says, error] of [
      [out - 1, /corrupt data: a block decodes to more than its index says/],
      [out + 1, /corrupt data: a block decodes to less than its index says/],
    ] as const) {
      const lying = withIndexRecord(multiBlock, 3, says);
      expect(xzBlocks(lying)[3]!.out).toBe(says);
      const err = await failure(xzChunks, lying, DEFAULT_LIMITS, { threads: 2 });
      expect(err.message).toMatch(error);
      expect(err.offset).toBeGreaterThan(blocks[3]!.at);
      expect(err.offset).toBeLessThanOrEqual(blocks[3]!.at + blocks[3]!.size);
    }
  });
});

/**
 * A single-stream file whose index says `out` uncompressed bytes for block `n`, with the index's
 * CRC32 made right again: `out` must take as many bytes as a variable-length integer as the truth.
 */
function withIndexRecord(bytes: Buffer, n: number, out: number): Buffer {
  const copy = Buffer.from(bytes);
  const indexAt = copy.length - 12 - (copy.readUInt32LE(copy.length - 8) + 1) * 4;
  let at = indexAt + 1;
  const vli = () => {
    const start = at;
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = copy[at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return { start, value };
    }
  };
  const records = vli().value;
  for (let i = 0; i < records; i++) {
    vli();
    const size = vli();
    if (i !== n) continue;
    let v = out;
    for (let j = size.start; j < at; j++, v = Math.floor(v / 0x80)) copy[j] = (v & 0x7f) | (j < at - 1 ? 0x80 : 0);
  }
  const crcAt = copy.length - 12 - 4;
  copy.writeUInt32LE(crc32(copy.subarray(indexAt, crcAt)), crcAt);
  return copy;
}

/** The blocks an in-memory xz file's index lists. */
function xzBlocks(bytes: Buffer) {
  const parse = xzBlocksParse(bytes.length, 1 << 16);
  let step = parse.next();
  while (!step.done) step = parse.next(bytes[step.value]!);
  return step.value!;
}

// Debian's 6.1 linux-image .deb: one stream of 17 blocks, 411 MB of data.tar.
const debs = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kmodaudit", "corpus", "debs");
const deb = existsSync(debs)
  ? readdirSync(debs)
      .filter((f) => /^linux-image-6\.1\.0-.*-amd64-unsigned_.*\.deb$/.test(f))
      .sort()
      .pop()
  : undefined;

describe.runIf(deb)("the corpus .deb's data.tar.xz", () => {
  it("decodes on every core to what xz -dc gives", async () => {
    const file = join(dir, "data.tar.xz");
    const data = execFileSync("ar", ["p", join(debs, deb!), "data.tar.xz"], { maxBuffer: 1 << 30 });
    writeFileSync(file, data);
    const expected = execSync(`xz -dc ${file} | sha256sum`).toString().split(" ")[0];
    const hash = createHash("sha256");
    let total = 0;
    let largest = 0;
    for await (const chunk of xzChunks(data, DEFAULT_LIMITS)) {
      hash.update(chunk);
      total += chunk.length;
      largest = Math.max(largest, chunk.length);
    }
    expect(hash.digest("hex")).toBe(expected);
    expect(total).toBeGreaterThan(400e6);
    expect(largest).toBeLessThanOrEqual(1 << 20);
  });
});
