import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, type DecodeLimits } from "../../src/core/limits.js";
import { decodeXz } from "../../src/bytes/xz.js";
import { xzChunks } from "../../src/bytes/xz-stream.js";
import { decompress } from "../../src/bytes/sniff.js";
import { scan } from "../../src/index.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const xz = (input: Buffer) => execFileSync("xz", ["-c", "--check=crc32"], { input });
/** One stream of 1 MiB of zeros: under 300 bytes. */
const zeroStream = xz(Buffer.alloc(1 << 20));
const limits: DecodeLimits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 64 << 20 };

async function drain(chunks: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const c of chunks) n += c.length;
  return n;
}

describe("a file of many concatenated xz streams, each a small bomb", () => {
  const many = Buffer.concat(Array.from({ length: 3000 }, () => zeroStream)); // 3 GiB in ~850 KB

  it("is refused before a byte is decoded, on what the streams' indexes declare together", async () => {
    await expect(decodeXz(many, limits)).rejects.toThrow(
      /declares 3145728000 bytes in 3000 concatenated streams: expands past the limit of 67108864 bytes \(--max-decompressed\)/,
    );
  });

  it("is refused the same way when decoded as a stream (a package's payload)", async () => {
    await expect(drain(xzChunks(many, limits))).rejects.toThrow(
      /declares 3145728000 bytes in 3000 concatenated streams/,
    );
  });

  it("is refused on the ratio when that is the tighter limit", async () => {
    await expect(decodeXz(many, { ...DEFAULT_LIMITS })).rejects.toThrow(
      /in 3000 concatenated streams: expands more than 200× its \d+ bytes, a decompression bomb \(--max-ratio\)/,
    );
  });

  it("of more streams than are walked before decoding is refused, naming that bound", async () => {
    const empty = xz(Buffer.alloc(0));
    const more = Buffer.concat(Array.from({ length: 5000 }, () => empty));
    await expect(decodeXz(more, limits)).rejects.toThrow(/more than 4096 concatenated streams.*\(a bound on work\)/);
    await expect(drain(xzChunks(more, limits))).rejects.toThrow(/more than 4096 concatenated streams/);
  });

  it("counts what its last streams declare where the chain of indexes breaks before the first", async () => {
    const hidden = Buffer.concat([Buffer.from("junk"), ...Array.from({ length: 100 }, () => zeroStream)]);
    await expect(decodeXz(hidden, limits)).rejects.toThrow(
      /declares at least 104857600 bytes in its last 100 streams alone/,
    );
  });

  it("whose chain of indexes is broken is still stopped at a limit as it decodes", async () => {
    const broken = Buffer.concat([Buffer.concat(Array.from({ length: 100 }, () => zeroStream)), Buffer.from("tail")]);
    await expect(decodeXz(broken, limits)).rejects.toThrow(/expands more than 200× its 28004 bytes.*\(--max-ratio\)/);
  });

  it("decodes as one output when it is within the limits, as xz -dc does", async () => {
    const few = Buffer.concat([zeroStream, xz(Buffer.from("module")), zeroStream]);
    const out = await decodeXz(few, limits);
    expect(out.length).toBe((2 << 20) + 6);
    expect(out.subarray(1 << 20, (1 << 20) + 6).toString()).toBe("module");
  });
});

describe("a --max-decompressed above the largest buffer (4 GiB)", () => {
  const huge: DecodeLimits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 2 ** 33, maxExpansionRatio: 1e9 };
  const module = miniModule(64, "little", ["license=GPL", "name=big"]).bytes;
  const tool = { gzip: ["gzip", "-c"], bzip2: ["bzip2", "-c"], zstd: ["zstd", "-c", "-q"], xz: ["xz", "-c"] };

  it.each(Object.entries(tool))("still decodes %s as a smaller limit does", async (_name, [cmd, ...args]) => {
    const packed = execFileSync(cmd!, args, { input: module });
    const { bytes } = await decompress(packed, huge);
    expect(Buffer.compare(bytes, Buffer.from(module))).toBe(0);
  });

  it("reads a compressed module inside an archive (whose layers are decoded whole) as a smaller limit does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-limit-"));
    writeFileSync(join(dir, "big.ko.gz"), execFileSync("gzip", ["-c"], { input: module }));
    execFileSync("tar", ["-C", dir, "-cf", join(dir, "modules.tar"), "big.ko.gz"]);
    const r = await scan([join(dir, "modules.tar")], { limits: huge });
    expect(r.errors).toEqual([]);
    expect(r.modules.map((m) => m.path)).toEqual([`${dir}/modules.tar!/big.ko.gz`]);
  });
});
