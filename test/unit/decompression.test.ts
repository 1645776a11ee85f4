import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, FormatError, inspectBytes } from "../../src/index.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const COMPRESS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  xz: (b) => execFileSync("xz", ["-c", "--check=crc32"], { input: b }),
  zstd: (b) => execFileSync("zstd", ["-q", "-c"], { input: b }),
  bzip2: (b) => execFileSync("bzip2", ["-c"], { input: b, maxBuffer: 1 << 28 }),
};

describe.each(Object.keys(COMPRESS))("%s, recognised by content", (kind) => {
  const compress = COMPRESS[kind]!;

  it("is decompressed before the ELF is read", async () => {
    const r = await inspectBytes(compress(miniModule(64, "little", ["license=GPL"]).bytes), DEFAULT_LIMITS);
    expect(r.outcome === "facts" && [r.facts.compression, r.facts.licenses]).toEqual([kind, ["GPL"]]);
  });

  it("hashes the decompressed bytes", async () => {
    const plain = miniModule(64, "little", ["license=GPL"]).bytes;
    const a = await inspectBytes(plain, DEFAULT_LIMITS);
    const b = await inspectBytes(compress(plain), DEFAULT_LIMITS);
    expect(a.outcome === "facts" && b.outcome === "facts" && a.facts.sha256 === b.facts.sha256).toBe(true);
  });

  it("stops a bomb at the decompressed-size limit with a FormatError", async () => {
    const bomb = compress(Buffer.alloc(32 << 20));
    expect(bomb.length).toBeLessThan(64 << 10);
    await expect(inspectBytes(bomb, { ...DEFAULT_LIMITS, maxDecompressedBytes: 1 << 20 })).rejects.toThrow(
      /expands past the limit of 1048576 bytes/,
    );
  });

  it("reports a truncated stream as a FormatError naming the format", async () => {
    const whole = compress(miniModule(64, "little", ["license=GPL"]).bytes);
    const err = await inspectBytes(whole.subarray(0, Math.floor(whole.length / 2)), DEFAULT_LIMITS).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).structure).toMatch(new RegExp(kind));
  });

  it("skips compressed data that is not ELF, saying so", async () => {
    const r = await inspectBytes(compress(Buffer.from("modules.dep contents\n")), DEFAULT_LIMITS);
    expect(r).toEqual({
      outcome: "skipped",
      reason: `${kind}-compressed, not ELF (starts with 6d 6f 64 75 6c 65 73 2e)`,
      bytes: 21,
    });
  });
});

describe("decompression bombs", () => {
  it.each(Object.keys(COMPRESS))("%s: stops at the expansion ratio long before the size limit", async (kind) => {
    const bomb = COMPRESS[kind]!(Buffer.alloc(64 << 20));
    await expect(inspectBytes(bomb, DEFAULT_LIMITS)).rejects.toThrow(/a decompression bomb \(--max-ratio\)/);
  });

  it("xz: a stream whose index declares too much is refused before it is decoded", async () => {
    const bomb = COMPRESS.xz!(Buffer.alloc(8 << 20));
    await expect(inspectBytes(bomb, { ...DEFAULT_LIMITS, maxDecompressedBytes: 1 << 20 })).rejects.toThrow(
      /declares 8388608 bytes/,
    );
  });

  it("refuses more compression layers than --max-depth", async () => {
    let b = miniModule(64, "little", ["license=GPL"]).bytes;
    for (let i = 0; i < 4; i++) b = gzipSync(b);
    await expect(inspectBytes(b, DEFAULT_LIMITS)).rejects.toThrow(/compressed more than 3 times over/);
    expect((await inspectBytes(b, { ...DEFAULT_LIMITS, maxCompressionDepth: 4 })).outcome).toBe("facts");
  });
});
