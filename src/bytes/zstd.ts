import { Decompress } from "fzstd";
import { asFormatError, FormatError } from "../core/errors.js";
import { type DecodeLimits, wholeBudget } from "../core/limits.js";

/** zstd through fzstd's streaming decoder, fed in slices so output can be cut off at the limit. */
export async function decodeZstd(bytes: Uint8Array, limits: DecodeLimits): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const budget = wholeBudget(bytes.length, limits);
  const dec = new Decompress((chunk, final) => {
    total += chunk.length;
    if (total > budget.bytes) throw new FormatError("zstd stream", undefined, budget.why);
    chunks.push(chunk);
    if (final) ended = true;
  });
  const step = 1 << 16;
  try {
    for (let at = 0; at < bytes.length; at += step) {
      const end = Math.min(at + step, bytes.length);
      dec.push(bytes.subarray(at, end), end === bytes.length);
    }
  } catch (e) {
    throw asFormatError("zstd stream", e);
  }
  if (!ended) throw new FormatError("zstd stream", bytes.length, "truncated: the last frame does not end");
  return Buffer.concat(chunks, total);
}
