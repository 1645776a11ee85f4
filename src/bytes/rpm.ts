import { FormatError } from "../core/errors.js";

const LEAD = 96;
const HEADER_MAGIC = [0x8e, 0xad, 0xe8, 0x01];

/** Size of one RPM header structure (magic, counts, index entries, data store) starting at `at`. */
function headerSize(b: Buffer, at: number, what: string): number {
  if (at + 16 > b.length || !HEADER_MAGIC.every((m, i) => b[at + i] === m))
    throw new FormatError(`rpm ${what}`, at, "bad header magic");
  const entries = b.readUInt32BE(at + 8);
  const store = b.readUInt32BE(at + 12);
  const size = 16 + entries * 16 + store;
  if (at + size > b.length)
    throw new FormatError(
      `rpm ${what}`,
      at,
      `${entries} entries and ${store} bytes of data run past the end of the package`,
    );
  return size;
}

export function isRpm(b: Buffer): boolean {
  return b.length >= LEAD && b[0] === 0xed && b[1] === 0xab && b[2] === 0xee && b[3] === 0xdb;
}

/**
 * The payload of an RPM package: after the 96-byte lead, the signature header (padded to 8 bytes)
 * and the main header comes the compressed cpio archive of the package's files, which the caller
 * opens like any other input.
 */
export function rpmPayload(b: Buffer): Buffer {
  const sig = headerSize(b, LEAD, "signature header");
  const main = LEAD + ((sig + 7) & ~7);
  const size = headerSize(b, main, "header");
  return b.subarray(main + size);
}
