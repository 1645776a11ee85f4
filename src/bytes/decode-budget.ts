import { FormatError } from "../core/errors.js";
import type { DecodeLimits } from "../core/limits.js";

/**
 * What one input may decode in all, over every compression layer and every archive nested in it.
 * The per-decoding limits (--max-decompressed, --max-ratio) each look at one stream; an input that
 * nests many streams, or names one stream many times, passes each of them and still multiplies the
 * work. This bounds the sum, relative to the input's own size, and by the scan's own total.
 */
export class DecodeBudget {
  #used = 0;

  private constructor(
    readonly bytes: number,
    private readonly why: string,
  ) {}

  /** The budget of an input of `inputBytes`. */
  static of(inputBytes: number, limits: DecodeLimits): DecodeBudget {
    const relative = Math.max(limits.maxDecompressedBytes, inputBytes * limits.maxInputRatio);
    const total = limits.maxTotalDecompressedBytes;
    return total < relative
      ? new DecodeBudget(total, `the scan's decoded bytes pass the limit of ${total} (--max-total-decompressed)`)
      : new DecodeBudget(
          relative,
          `its layers and members decode to more than ${relative} bytes in all, ${limits.maxInputRatio}× its ` +
            `${inputBytes} bytes (--max-input-ratio)`,
        );
  }

  /** Counts `n` bytes decoded by `structure`; past the budget, the FormatError that names it. */
  charge(n: number, structure: string, offset: number): void {
    this.#used += n;
    if (this.#used > this.bytes) throw new FormatError(structure, offset, `not read on: ${this.why}`);
  }

  /** A decoder's chunks, each counted as it comes out; the decoder stops where the budget does. */
  async *metered(chunks: AsyncIterable<Buffer>, structure: string): AsyncGenerator<Buffer> {
    let at = 0;
    for await (const c of chunks) {
      this.charge(c.length, structure, at);
      at += c.length;
      yield c;
    }
  }
}
