import { FormatError } from "../core/errors.js";
import { hasElfMagic } from "./header.js";
import type { DecodeLimits } from "../core/limits.js";
import { decompress } from "../bytes/sniff.js";

/**
 * A kernel image as given to --vmlinux: a vmlinux ELF (possibly compressed as a whole), or an x86
 * bzImage (vmlinuz), whose boot protocol header (2.08+) says where the compressed vmlinux payload
 * lies: it starts payload_offset bytes into the protected-mode code, which follows the
 * (setup_sects + 1) 512-byte setup sectors, and is payload_length bytes long.
 */
export async function kernelElf(bytes: Buffer, limits: DecodeLimits): Promise<Buffer> {
  let data = (await decompress(bytes, limits)).bytes;
  const payload = hasElfMagic(data) ? undefined : bzImagePayload(data);
  if (payload) {
    const inner = await decompress(payload, limits);
    if (!inner.compression)
      throw new FormatError(
        "bzImage payload",
        0,
        "compressed with a method kmodaudit does not decode (only gzip, xz, zstd and bzip2)",
      );
    data = inner.bytes;
  }
  if (!hasElfMagic(data))
    throw new FormatError("kernel image", 0, "neither a vmlinux ELF nor an x86 bzImage with an ELF payload");
  return data;
}

function bzImagePayload(b: Buffer): Buffer | undefined {
  if (b.length < 0x250 || b.toString("latin1", 0x202, 0x206) !== "HdrS") return undefined;
  const version = b.readUInt16LE(0x206);
  if (version < 0x208)
    throw new FormatError(
      "bzImage header",
      0x206,
      `boot protocol ${version >> 8}.${version & 0xff} predates payload_offset (2.08)`,
    );
  const setupSects = b[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + b.readUInt32LE(0x248);
  const length = b.readUInt32LE(0x24c);
  if (start + length > b.length)
    throw new FormatError(
      "bzImage header",
      0x248,
      `payload (${length} bytes at ${start}) runs past the end of the file`,
    );
  // The kernel's build appends the uncompressed size (4 bytes, little-endian) after the stream;
  // an xz stream must end with its footer magic "YZ", so the size is cut off where it follows one.
  const end = start + length;
  const sized = length > 6 && b[end - 6] === 0x59 && b[end - 5] === 0x5a;
  return b.subarray(start, sized ? end - 4 : end);
}
