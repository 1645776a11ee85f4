/**
 * The one error type the pipeline raises on bad input. It names the structure that failed and the
 * byte offset where it failed, so a per-file error in the report points at the damage.
 * Anything else thrown inside the pipeline is a bug in kmodaudit, not a property of the input.
 */
export class FormatError extends Error {
  override readonly name = "FormatError";
  constructor(
    /** Which structure was being read, e.g. "section header table", "xz stream". */
    readonly structure: string,
    /** Byte offset of the failing structure in the bytes being parsed (after decompression). */
    readonly offset: number | undefined,
    message: string,
  ) {
    super(`${structure}: ${message}${offset === undefined ? "" : ` (at offset ${offset})`}`);
  }
}

export function isFormatError(e: unknown): e is FormatError {
  return e instanceof FormatError;
}

/** What a thrown value says: an Error's message, anything else as a string. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A third-party decoder's failure as a FormatError of the structure it was decoding; a FormatError
 * thrown from our own callbacks inside it (an output budget reached) passes through as it is.
 */
export function asFormatError(structure: string, e: unknown): FormatError {
  return e instanceof FormatError ? e : new FormatError(structure, undefined, errorMessage(e));
}
