import { FormatError } from "../core/errors.js";
import type { DecodeLimits } from "../core/limits.js";
import { decodeBzip2 } from "./bzip2.js";
import { decodeGzip } from "./gzip.js";
import { decodeXz } from "./xz.js";
import { decodeZstd } from "./zstd.js";
import type { Compression } from "../core/facts.js";
import type { OutputBuffer } from "./output-buffer.js";

interface Codec {
  kind: Compression;
  magic: readonly number[];
  /** `into`: where to put output of a known size, when the codec can write straight into a buffer. */
  decode(bytes: Uint8Array, limits: DecodeLimits, into?: OutputBuffer): Promise<Buffer>;
  /** A further check where the magic alone is short. */
  check?: (bytes: Uint8Array) => boolean;
}

/** Compressions recognised by their leading bytes, whatever the file is called. */
const CODECS: readonly Codec[] = [
  { kind: "gzip", magic: [0x1f, 0x8b], decode: decodeGzip },
  { kind: "xz", magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], decode: decodeXz },
  { kind: "zstd", magic: [0x28, 0xb5, 0x2f, 0xfd], decode: decodeZstd },
  // "BZh" and a block size digit 1–9
  { kind: "bzip2", magic: [0x42, 0x5a, 0x68], decode: decodeBzip2, check: (b) => b[3]! >= 0x31 && b[3]! <= 0x39 },
];

export function sniffCompression(bytes: Uint8Array): Codec | undefined {
  return CODECS.find((c) => c.magic.every((b, i) => bytes[i] === b) && (!c.check || c.check(bytes)));
}

/**
 * Undoes any compression recognised by content, up to limits.maxCompressionDepth layers. `into`
 * takes the first layer's output only: a second layer reads from it, so must write elsewhere.
 */
export async function decompress(
  input: Buffer,
  limits: DecodeLimits,
  into?: OutputBuffer,
): Promise<{ bytes: Buffer; compression: Compression | null }> {
  let bytes = input;
  let compression: Compression | null = null;
  for (let depth = 0; ; depth++) {
    const codec = sniffCompression(bytes);
    if (!codec) return { bytes, compression };
    if (depth === limits.maxCompressionDepth)
      throw new FormatError(
        `${codec.kind} stream`,
        0,
        `compressed more than ${limits.maxCompressionDepth} times over (--max-depth)`,
      );
    compression ??= codec.kind;
    bytes = await codec.decode(bytes, limits, depth === 0 ? into : undefined);
  }
}
