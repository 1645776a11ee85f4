import type { DecodeLimits } from "./limits.js";
import { decodeGzip } from "./gzip.js";
import { decodeXz } from "./xz.js";
import { decodeZstd } from "./zstd.js";

export type Compression = "gzip" | "xz" | "zstd";

interface Codec {
  kind: Compression;
  magic: readonly number[];
  decode(bytes: Uint8Array, limits: DecodeLimits): Promise<Buffer>;
}

/** Compressions recognised by their leading bytes, whatever the file is called. */
const CODECS: readonly Codec[] = [
  { kind: "gzip", magic: [0x1f, 0x8b], decode: decodeGzip },
  { kind: "xz", magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], decode: decodeXz },
  { kind: "zstd", magic: [0x28, 0xb5, 0x2f, 0xfd], decode: decodeZstd },
];

export function sniffCompression(bytes: Uint8Array): Codec | undefined {
  return CODECS.find((c) => c.magic.every((b, i) => bytes[i] === b));
}
