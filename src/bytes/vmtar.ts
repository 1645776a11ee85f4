import { FormatError } from "../core/errors.js";
import type { ArchiveMember } from "./member.js";

const BLOCK = 512;

export function isVmtar(b: Buffer): boolean {
  return b.length >= BLOCK && b.toString("latin1", 257, 263) === "visor ";
}

/**
 * Members of a VMware vmtar archive (the payloads of ESXi VIBs, gzip'd as .v00/.vgz/.tgz): ustar-
 * like 512-byte headers with magic "visor " at offset 257, all headers first, each member's data
 * at the absolute offset stored little-endian at header offset 496 (see docs/vmtar.md).
 */
export function* vmtarMembers(b: Buffer): Generator<ArchiveMember> {
  for (let at = 0; at + BLOCK <= b.length; at += BLOCK) {
    if (b[at] === 0) return; // the headers end with an empty block
    if (b.toString("latin1", at + 257, at + 263) !== "visor ") throw new FormatError("vmtar header", at, "bad magic");
    const end = b.indexOf(0, at);
    const name = b.toString("utf8", at, end >= 0 && end < at + 100 ? end : at + 100);
    const sizeText = b
      .toString("latin1", at + 124, at + 136)
      .replace(/[\0 ]+$/, "")
      .trim();
    if (!/^[0-7]*$/.test(sizeText)) throw new FormatError("vmtar header", at, `size field "${sizeText}" is not octal`);
    const size = sizeText ? Number.parseInt(sizeText, 8) : 0;
    const type = String.fromCharCode(b[at + 156]!) || "0";
    const offset = b.readUInt32LE(at + 496);
    if (type === "0" || type === "\0") {
      if (offset + size > b.length)
        throw new FormatError(
          "vmtar header",
          at,
          `${name}: ${size} bytes at ${offset} run past the end of the archive`,
        );
      yield { name, data: b.subarray(offset, offset + size), regular: true, offset: at };
    }
  }
}
