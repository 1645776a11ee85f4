import { gunzip } from "node:zlib";
import { FormatError } from "../core/errors.js";
import { type DecodeLimits, wholeBudget } from "../core/limits.js";

export function decodeGzip(bytes: Uint8Array, limits: DecodeLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const budget = wholeBudget(bytes.length, limits);
    gunzip(bytes, { maxOutputLength: budget.bytes }, (err, out) => {
      if (!err) return resolve(out);
      const tooLarge = (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
      reject(new FormatError("gzip stream", undefined, tooLarge ? budget.why : err.message));
    });
  });
}
