import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { type XzBlock, xzBlocksParse } from "../../src/bytes/xz-index.js";
import { compressibleText } from "../helpers/compressible-text.js";

const dir = mkdtempSync(join(tmpdir(), "kmodaudit-xz-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const xz = (input: Buffer, args: string[] = []) => execFileSync("xz", ["-c", ...args], { input, maxBuffer: 1 << 30 });

const blocksOf = (bytes: Uint8Array, maxBlocks = 1 << 16): XzBlock[] | undefined => {
  const parse = xzBlocksParse(bytes.length, maxBlocks);
  let step = parse.next();
  while (!step.done) step = parse.next(bytes[step.value]!);
  return step.value;
};

/** The blocks `xz --robot --list -vv` lists: each one's stream, offset, size in the file and uncompressed size. */
function listed(bytes: Buffer): XzBlock[] {
  const file = join(dir, "listed.xz");
  writeFileSync(file, bytes);
  const lines = execFileSync("xz", ["--robot", "--list", "-vv", file])
    .toString()
    .split("\n")
    .map((l) => l.split("\t"));
  const streamAt = new Map(lines.filter((f) => f[0] === "stream").map((f) => [f[1], Number(f[3])]));
  return lines
    .filter((f) => f[0] === "block")
    .map((f) => ({ stream: streamAt.get(f[1])!, at: Number(f[4]), size: Number(f[6]), out: Number(f[7]) }));
}

const text = compressibleText(3 << 20, 5);
const multiBlock = xz(text, ["-T2", "--block-size=256KiB"]);

describe("xzBlocksParse", () => {
  it("lists the blocks of a multi-block stream as xz --list does", () => {
    const blocks = blocksOf(multiBlock);
    expect(blocks).toHaveLength(12);
    expect(blocks).toEqual(listed(multiBlock));
  });

  it("lists the blocks of concatenated streams, with stream padding and an empty stream between, in file order", () => {
    const both = Buffer.concat([multiBlock, Buffer.alloc(8), xz(Buffer.alloc(0)), xz(text.subarray(0, 100_000))]);
    const blocks = blocksOf(both);
    expect(blocks).toEqual(listed(both));
    expect(new Set(blocks!.map((b) => b.stream)).size).toBe(2);
  });

  it("lists nothing for an index whose CRC32 is wrong, since the blocks' places are taken from it", () => {
    // The index's last record byte, just before its padding and CRC32, which are before the 12-byte footer.
    const damaged = Buffer.from(multiBlock);
    const backward = damaged.readUInt32LE(damaged.length - 8);
    const indexEnd = damaged.length - 12 - 4;
    expect((backward + 1) * 4).toBeGreaterThan(8);
    let at = indexEnd - 1;
    while (damaged[at] === 0) at--;
    damaged[at]! ^= 0x01;
    expect(blocksOf(damaged)).toBeUndefined();
  });

  it("lists nothing for a footer that fails its CRC32, or whose flags are not the header's", () => {
    const badCrc = Buffer.from(multiBlock);
    badCrc[badCrc.length - 12]! ^= 0x01;
    expect(blocksOf(badCrc)).toBeUndefined();
    // CRC32 instead of CRC64 in the footer's flags, with the footer's CRC32 made right.
    const otherCheck = Buffer.from(multiBlock);
    const flagsAt = otherCheck.length - 4;
    expect(otherCheck[flagsAt + 1]).toBe(0x04);
    otherCheck[flagsAt + 1] = 0x01;
    otherCheck.writeUInt32LE(crc32(otherCheck.subarray(flagsAt - 4, flagsAt + 2)), flagsAt - 8);
    expect(blocksOf(otherCheck)).toBeUndefined();
  });

  it("lists nothing for a file cut short, or of more blocks than asked for", () => {
    expect(blocksOf(multiBlock.subarray(0, multiBlock.length - 4))).toBeUndefined();
    expect(blocksOf(multiBlock, 11)).toBeUndefined();
    expect(blocksOf(multiBlock, 12)).toHaveLength(12);
  });
});
