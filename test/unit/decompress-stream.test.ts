import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { decodeBzip2 } from "../../src/bytes/bzip2.js";
import {
  bzip2Chunks,
  type ChunkOptions,
  decompressChunks,
  gzipChunks,
  sniffSource,
  zstdChunks,
} from "../../src/bytes/decompress-stream.js";
import { decodeGzip } from "../../src/bytes/gzip.js";
import { bufferSource, fileSource, type RangeSource, subSource } from "../../src/bytes/range-source.js";
import type { StreamInput } from "../../src/bytes/stream-input.js";
import { decodeXz } from "../../src/bytes/xz.js";
import { decodeZstd } from "../../src/bytes/zstd.js";
import { FormatError } from "../../src/core/errors.js";
import type { Compression } from "../../src/core/facts.js";
import { DEFAULT_LIMITS, type DecodeLimits } from "../../src/core/limits.js";
import { compressibleText } from "../helpers/compressible-text.js";

const dir = mkdtempSync(join(tmpdir(), "kmodaudit-decompress-stream-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tool = (cmd: string, args: string[], input: Uint8Array) => execFileSync(cmd, args, { input, maxBuffer: 1 << 30 });
const COMPRESS: Record<Compression, (b: Buffer) => Buffer> = {
  gzip: (b) => tool("gzip", ["-c", "-6"], b),
  xz: (b) => tool("xz", ["-c", "-T2", "--block-size=1MiB"], b),
  zstd: (b) => tool("zstd", ["-c", "-q", "-3"], b),
  bzip2: (b) => tool("bzip2", ["-c", "-9"], b),
};
const WHOLE: Record<Compression, (b: Uint8Array, limits: DecodeLimits) => Promise<Buffer>> = {
  gzip: decodeGzip,
  xz: decodeXz,
  zstd: decodeZstd,
  bzip2: decodeBzip2,
};
const KINDS = Object.keys(COMPRESS) as Compression[];

const text = compressibleText;

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** What a streamed decode comes to: the output's hash and chunk sizes, or the error's type, message and offset. */
async function streamed(kind: Compression, input: StreamInput, limits = DEFAULT_LIMITS, options: ChunkOptions = {}) {
  const hash = createHash("sha256");
  const sizes: number[] = [];
  try {
    for await (const chunk of decompressChunks(kind, input, limits, options)) {
      hash.update(chunk);
      sizes.push(chunk.length);
    }
    return { output: hash.digest("hex"), sizes };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message, offset: (e as FormatError).offset };
  }
}

/** The same, by the whole-buffer decoder. */
async function whole(kind: Compression, input: Uint8Array, limits = DEFAULT_LIMITS) {
  try {
    return { output: sha(await WHOLE[kind](input, limits)) };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message, offset: (e as FormatError).offset };
  }
}

let files = 0;
/** The input from memory, as a file of its own, and as a part of a bigger file with other bytes both sides. */
async function eachSource(input: Buffer, use: (source: StreamInput, how: string) => Promise<void>) {
  const alone = join(dir, `in-${files}`);
  const inside = join(dir, `inside-${files++}`);
  writeFileSync(alone, input);
  const before = text(5000, 9);
  writeFileSync(inside, Buffer.concat([before, input, text(3000, 10)]));
  const file = await fileSource(alone);
  const big = await fileSource(inside);
  try {
    await use(input, "memory");
    await use(file, "file");
    await use(subSource(big, before.length, input.length), "part of a file");
  } finally {
    await file.close();
    await big.close();
  }
}

/** Streamed from every source, the same as the whole-buffer decoder; the outcome, for further checks. */
async function sameAsWhole(kind: Compression, input: Buffer, limits = DEFAULT_LIMITS, options: ChunkOptions = {}) {
  const expected = await whole(kind, input, limits);
  const outcomes: Awaited<ReturnType<typeof streamed>>[] = [];
  await eachSource(input, async (source, how) => {
    const got = await streamed(kind, source, limits, options);
    const { sizes: _, ...comparable } = got as { sizes?: number[] };
    expect(comparable, `${kind} from ${how}`).toEqual(expected);
    outcomes.push(got);
  });
  return outcomes[0]!;
}

const plain = text(5 << 20, 1);

describe.each(KINDS)("%s", (kind) => {
  const packed = COMPRESS[kind](plain);

  it("gives what the whole-buffer decoder gives, from memory, a file or a part of one, in chunks of chunkBytes", async () => {
    const got = await sameAsWhole(kind, packed, DEFAULT_LIMITS, { chunkBytes: 300_000 });
    expect(got.output).toBe(sha(plain));
    expect(got.sizes!.slice(0, -1).every((n) => n === 300_000)).toBe(true);
    expect(got.sizes!.at(-1)).toBeLessThanOrEqual(300_000);
    // ~1 MiB chunks when none is asked for.
    const byDefault = await streamed(kind, packed);
    expect(byDefault.sizes!.slice(0, -1).every((n) => n === 1 << 20)).toBe(true);
  });

  it("names itself by its leading bytes (sniff.ts's table), from a source", async () => {
    await eachSource(packed, async (source) => {
      expect(await sniffSource(source instanceof Uint8Array ? bufferSource(source) : source)).toBe(kind);
    });
  });

  // xz's failures are held to `xz -dc` and to each other in xz-stream.test.ts: its whole-buffer
  // path words them through lzma-native, the stream through liblzma.
  it.skipIf(kind === "xz")("fails as the whole-buffer decoder does on cut, damaged and foreign inputs", async () => {
    const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from("plain text, no compression at all")];
    for (const cut of [1, 5, 20, 1000, packed.length >> 1, packed.length - 5, packed.length - 1])
      inputs.push(packed.subarray(0, cut));
    const mustFail = inputs.length;
    for (const at of [packed.length >> 2, packed.length >> 1, packed.length - 6]) {
      const damaged = Buffer.from(packed);
      for (let i = 0; i < 8; i++) damaged[at + i]! ^= 0x5a;
      inputs.push(damaged);
    }
    // Damage may go unseen where the format has no check over it (zstd without its optional
    // checksum, which fzstd does not verify): then both decoders give the same wrong bytes.
    let failures = 0;
    for (const [i, input] of inputs.entries()) {
      const got = await sameAsWhole(kind, input);
      if (i < mustFail) expect(got, `input ${i}`).toHaveProperty("error");
      if ("error" in got) {
        failures++;
        expect(got.error).toBe("FormatError");
        expect(got.message).toMatch(new RegExp(`^${kind} stream: `));
      }
    }
    expect(failures).toBeGreaterThanOrEqual(kind === "zstd" ? mustFail : inputs.length);
  });

  it("stops at the expansion ratio with the FormatError naming it", async () => {
    const bomb = COMPRESS[kind](Buffer.alloc(40 << 20));
    const got = await sameAsWhole(kind, bomb);
    expect(got.message).toMatch(new RegExp(`^${kind} stream: .*a decompression bomb \\(--max-ratio\\)`));
  });

  it("ends when the consumer stops early, and the source can be read again", async () => {
    await eachSource(packed, async (source) => {
      let seen = 0;
      for await (const _ of decompressChunks(kind, source, DEFAULT_LIMITS, { chunkBytes: 1 << 16 }))
        if (++seen === 3) break;
      expect(seen).toBe(3);
      expect((await streamed(kind, source)).output).toBe(sha(plain));
    });
  });
});

it.each(KINDS)("%s: a source whose read fails gives that read's error, not a decoder's", async (kind) => {
  const packed = COMPRESS[kind](randomBytes(3 << 20)); // incompressible: a read past 1 MiB is needed
  const real = bufferSource(packed);
  const failing: RangeSource = {
    size: real.size,
    read: (offset, length) =>
      offset + length > 1 << 20
        ? Promise.reject(new FormatError("pkg.deb", offset, "file shrank while it was read"))
        : real.read(offset, length),
  };
  const got = await streamed(kind, failing);
  expect(got).toMatchObject({ error: "FormatError", message: expect.stringMatching(/^pkg\.deb: file shrank/) });
});

describe("gzip members and zstd frames one after another", () => {
  // Sizes that put member ends on, just before and just after the 1 MiB windows the input is read in.
  const parts = [text(1 << 20, 2), text(3, 3), Buffer.alloc(0), text(2_500_000, 4), text(77, 5)];

  it("gives several gzip members as one output, as decodeGzip does, wherever their ends fall", async () => {
    const members = parts.map((p) => tool("gzip", ["-c", "-1"], p));
    const joined = Buffer.concat(members);
    expect((await sameAsWhole("gzip", joined)).output).toBe(sha(Buffer.concat(parts)));
    // Members laid so that one ends exactly at a window's end, one a byte before, one a byte after.
    for (const shift of [-1, 0, 1]) {
      // A stored member (level 0) grows with its input byte for byte, so its length can be aimed.
      let pad = text(1 << 20, 6);
      let first = gzipSync(pad, { level: 0 });
      for (let i = 0; i < 3 && first.length !== (1 << 20) + shift; i++) {
        pad = text(pad.length + (1 << 20) + shift - first.length, 6);
        first = gzipSync(pad, { level: 0 });
      }
      expect(first.length).toBe((1 << 20) + shift);
      const laid = Buffer.concat([first, ...members]);
      expect((await sameAsWhole("gzip", laid)).output).toBe(sha(Buffer.concat([pad, ...parts])));
    }
    // What follows the last member: zeros, text, a cut member.
    for (const tail of [Buffer.alloc(1000), Buffer.from("trailing text"), members[3]!.subarray(0, 100)])
      await sameAsWhole("gzip", Buffer.concat([joined, tail]));
  });

  it("gives several zstd frames as one output, as decodeZstd does", async () => {
    const frames = Buffer.concat(parts.map((p, i) => tool("zstd", ["-c", "-q", i % 2 ? "--no-check" : "-C"], p)));
    expect((await sameAsWhole("zstd", frames)).output).toBe(sha(Buffer.concat(parts)));
  });
});

/** A bomb of many copies of one member/frame of zeros: 2 GiB out of a few MB in. */
function bomb(kind: "gzip" | "zstd") {
  const zeros =
    kind === "gzip" ? tool("gzip", ["-c", "-9"], Buffer.alloc(64 << 20)) : COMPRESS.zstd(Buffer.alloc(64 << 20));
  return Buffer.concat(Array.from({ length: 32 }, () => zeros));
}

describe.each(["gzip", "zstd"] as const)("a %s bomb", (kind) => {
  const input = bomb(kind);

  it("is stopped at --max-ratio as the whole-buffer decoder stops it", async () => {
    const got = await sameAsWhole(kind, input);
    expect(got.message).toMatch(/a decompression bomb \(--max-ratio\)/);
  });

  it("decodes 1.5 GB of it and stops at --max-decompressed without ever holding it", async () => {
    const limits = { ...DEFAULT_LIMITS, maxExpansionRatio: 1e9, maxDecompressedBytes: 1.5e9 };
    const rss = process.memoryUsage.rss();
    let peak = rss;
    let total = 0;
    const chunks = kind === "gzip" ? gzipChunks(input, limits) : zstdChunks(input, limits);
    const err = await (async () => {
      for await (const chunk of chunks) {
        total += chunk.length;
        peak = Math.max(peak, process.memoryUsage.rss());
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toBe(
      `${kind} stream: expands past the limit of 1500000000 bytes (--max-decompressed)`,
    );
    expect(total).toBeLessThanOrEqual(1.5e9);
    expect(total).toBeGreaterThan(1.4e9);
    expect(peak - rss).toBeLessThan(200 << 20);
  });
});

it("bzip2Chunks: a bomb stops at the ratio, as decodeBzip2 stops it", async () => {
  const input = COMPRESS.bzip2(Buffer.alloc(64 << 20));
  const err = await (async () => {
    for await (const _ of bzip2Chunks(input, DEFAULT_LIMITS));
  })().catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/^bzip2 stream: expands more than 200× .*\(--max-ratio\)/);
});

// ---- real packages ----

const debs = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kmodaudit", "corpus", "debs");
const debFiles = existsSync(debs) ? readdirSync(debs).filter((f) => f.endsWith(".deb")) : [];

/** A member of an ar archive as a part of the file, found by reading its headers only. */
async function arMember(file: RangeSource, name: string): Promise<RangeSource> {
  for (let at = 8; at + 60 <= file.size; ) {
    const header = await file.read(at, 60);
    const size = Number(header.toString("latin1", 48, 58).trim());
    if (header.toString("latin1", 0, 16).trim().replace(/\/$/, "") === name) return subSource(file, at + 60, size);
    at += 60 + size + (size & 1);
  }
  throw new Error(`no ${name}`);
}

describe.runIf(debFiles.length > 0)("the corpus .debs", () => {
  it("decodes every control.tar.xz, and the data.tar.xz of the smaller ones, as decodeXz does", async () => {
    for (const deb of debFiles) {
      const file = await fileSource(join(debs, deb));
      try {
        const members = ["control.tar.xz", ...(file.size < 12e6 ? ["data.tar.xz"] : [])];
        for (const name of members) {
          const member = await arMember(file, name);
          const bytes = execFileSync("ar", ["p", join(debs, deb), name], { maxBuffer: 1 << 30 });
          expect(member.size).toBe(bytes.length);
          const got = await streamed("xz", member, DEFAULT_LIMITS, { threads: 2 });
          expect(got.output, `${deb} ${name}`).toBe(sha(await decodeXz(bytes, DEFAULT_LIMITS)));
        }
      } finally {
        await file.close();
      }
    }
  });

  const big = debFiles
    .filter((f) => /^linux-image-6\.1\.0-.*-amd64-unsigned_.*\.deb$/.test(f))
    .sort()
    .pop();
  it.runIf(big)("decodes the 6.1 linux-image's data.tar.xz from the .deb on disk as decodeXz does", async () => {
    const file = await fileSource(join(debs, big!));
    try {
      const member = await arMember(file, "data.tar.xz");
      const got = await streamed("xz", member, DEFAULT_LIMITS, { threads: 2 });
      const bytes = await member.read(0, member.size);
      expect(got.output).toBe(sha(await decodeXz(bytes, DEFAULT_LIMITS)));
      expect(got.sizes!.reduce((a, b) => a + b, 0)).toBeGreaterThan(400e6);
    } finally {
      await file.close();
    }
  });

  it("gives a real tar, recompressed with gzip, zstd and bzip2, as their whole-buffer decoders do", async () => {
    const deb = debFiles.find((f) => f.startsWith("broadcom-sta-dkms")) ?? debFiles[0]!;
    const tar = await decodeXz(
      execFileSync("ar", ["p", join(debs, deb), "data.tar.xz"], { maxBuffer: 1 << 30 }),
      DEFAULT_LIMITS,
    );
    for (const kind of ["gzip", "zstd", "bzip2"] as const)
      expect((await sameAsWhole(kind, COMPRESS[kind](tar))).output, kind).toBe(sha(tar));
  });
});
