/**
 * A policy file (configuration or baseline) that cannot be used as written. It names the file and
 * the key at fault so the message alone tells the user what to edit; the CLI exits 2 on it, like
 * any other incomplete audit.
 */
export class PolicyError extends Error {
  override readonly name = "PolicyError";
  constructor(
    /** The file as the user named it (or "" for data that came from no file). */
    readonly file: string,
    /** Dotted path of the offending key, e.g. "rules.depends-mismatch"; "" for the whole file. */
    readonly key: string,
    message: string,
  ) {
    super(`${file ? `${file}: ` : ""}${key ? `"${key}" ` : ""}${message}`);
  }
}
