import { gunzip } from "node:zlib";
import { FormatError } from "../errors.js";
import type { DecodeLimits } from "./limits.js";

export function decodeGzip(bytes: Uint8Array, limits: DecodeLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(bytes, { maxOutputLength: limits.maxDecompressedBytes }, (err, out) => {
      if (!err) return resolve(out);
      const tooLarge = (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
      reject(new FormatError("gzip stream", undefined, tooLarge ? `expands past the limit of ${limits.maxDecompressedBytes} bytes` : err.message));
    });
  });
}
