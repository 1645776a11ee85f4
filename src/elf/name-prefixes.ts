/**
 * Names told apart on their raw bytes in a string table, before any string is made for them: the
 * first two bytes by table (most names fail there), then the rest. A prefix that ends in NUL
 * matches one whole name.
 */
export class NamePrefixes {
  readonly #leads = new Uint8Array(1 << 16);
  readonly #prefixes: readonly Uint8Array[];

  constructor(prefixes: readonly string[]) {
    for (const p of prefixes) if (p.length < 2) throw new RangeError(`prefix "${p}" is shorter than two bytes`);
    this.#prefixes = prefixes.map((p) => Buffer.from(p, "latin1"));
    for (const p of this.#prefixes) this.#leads[(p[0]! << 8) | p[1]!] = 1;
  }

  /** Whether the bytes from `at` (a string ending before `end`) start with one of the prefixes. */
  starts(bytes: Uint8Array, at: number, end: number): boolean {
    if (at + 2 > end || this.#leads[(bytes[at]! << 8) | bytes[at + 1]!] === 0) return false;
    const prefixes = this.#prefixes;
    next: for (let k = 0; k < prefixes.length; k++) {
      const p = prefixes[k]!;
      if (at + p.length > end) continue;
      for (let i = 2; i < p.length; i++) if (bytes[at + i] !== p[i]) continue next;
      return true;
    }
    return false;
  }
}
