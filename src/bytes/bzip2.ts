import Bunzip from "seek-bzip";
import { asFormatError, FormatError } from "../core/errors.js";
import { type DecodeLimits, wholeBudget } from "../core/limits.js";

/**
 * bzip2 through seek-bzip (pure JavaScript), which writes one byte at a time into an output
 * stream: ours grows a buffer and stops at the output budget, so a bomb costs at most that.
 */
export async function decodeBzip2(bytes: Uint8Array, limits: DecodeLimits): Promise<Buffer> {
  const budget = wholeBudget(bytes.length, limits);
  let buf = Buffer.allocUnsafe(Math.min(budget.bytes, Math.max(1 << 16, bytes.length * 4)));
  let pos = 0;
  const out = {
    writeByte(b: number) {
      if (pos === buf.length) {
        if (pos >= budget.bytes) throw new FormatError("bzip2 stream", undefined, budget.why);
        const bigger = Buffer.allocUnsafe(Math.min(budget.bytes, buf.length * 2));
        buf.copy(bigger, 0, 0, pos);
        buf = bigger;
      }
      buf[pos++] = b;
    },
  };
  try {
    Bunzip.decode(bytes, out, true);
  } catch (e) {
    throw asFormatError("bzip2 stream", e);
  }
  return buf.subarray(0, pos);
}
