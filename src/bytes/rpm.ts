import { FormatError } from "../core/errors.js";
import { type RangeSource, subSource } from "./range-source.js";

const LEAD = 96;
const HEADER_MAGIC = [0x8e, 0xad, 0xe8, 0x01];

/** Size of one RPM header structure (magic, counts, index entries, data store) starting at `at`. */
async function headerSize(rpm: RangeSource, at: number, what: string): Promise<number> {
  const h = at + 16 <= rpm.size ? await rpm.read(at, 16) : undefined;
  if (!h || !HEADER_MAGIC.every((m, i) => h[i] === m)) throw new FormatError(`rpm ${what}`, at, "bad header magic");
  const entries = h.readUInt32BE(8);
  const store = h.readUInt32BE(12);
  const size = 16 + entries * 16 + store;
  if (at + size > rpm.size)
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
 * opens like any other input. Only the headers' sizes are read; the payload is a part of the package.
 */
export async function rpmPayload(rpm: RangeSource): Promise<RangeSource> {
  const sig = await headerSize(rpm, LEAD, "signature header");
  const main = LEAD + ((sig + 7) & ~7);
  const end = main + (await headerSize(rpm, main, "header"));
  return subSource(rpm, end, rpm.size - end);
}
