import { createRequire } from "node:module";
import { asFormatError, FormatError } from "../core/errors.js";
import { type DecodeLimits, wholeBudget } from "../core/limits.js";

/**
 * bzip2 through seek-bzip (pure JavaScript), which writes one byte at a time into an output
 * stream: ours grows a buffer and stops at the output budget, so a bomb costs at most that.
 */
/**
 * seek-bzip allocates with `new Buffer()`, for which Node warns once per process (DEP0005) unless the
 * call comes from inside node_modules: a dependency's use is not the application's to fix. Loaded
 * through require from node_modules, as a dependency, rather than copied into the CLI's bundle
 * (esbuild bundles imports, not a require of its own), the calls come from there and Node does not
 * warn on the user's terminal. Loaded on first use, like the other decoders' native code.
 */
let bunzip: typeof import("seek-bzip").default | undefined;
const seekBzip = () => (bunzip ??= createRequire(import.meta.url)("seek-bzip") as typeof import("seek-bzip").default);

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
    seekBzip().decode(bytes, out, true);
  } catch (e) {
    throw asFormatError("bzip2 stream", e);
  }
  return buf.subarray(0, pos);
}
