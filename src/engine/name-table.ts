/**
 * Interns short ASCII strings straight from their bytes: a string seen before costs a hash of its
 * bytes and no new string. Used for .modinfo keys and values (engine/intern.ts), which the facts
 * keep whole and which repeat from module to module. Symbol and section names do not come through
 * here: interning them too, measured, cost time on every scan and saved memory only for a tree
 * scanned many times over, as the shared imports and versions already keep one string per symbol
 * and section names are not kept.
 *
 * Only ASCII is interned, where latin1 and UTF-8 decode alike; the caller decodes anything else
 * (or anything longer than MAX_LENGTH) itself, in the encoding it means.
 */
export class NameTable {
  static readonly MAX_LENGTH = 256;
  /** Beyond this many names new ones are decoded but not kept: hostile input cannot grow it without bound. */
  static readonly MAX_ENTRIES = 1 << 20;

  /** Open addressing, linear probing: entry number + 1, or 0 for an empty slot. */
  #slots = new Int32Array(1 << 14);
  #hashes = new Int32Array(1 << 13);
  /** Each name's bytes, back to back, compared against the input (cheaper than the string's characters). */
  #arena = new Uint8Array(1 << 16);
  #starts = new Int32Array(1 << 13);
  #used = 0;
  #strings: string[] = [];

  get size(): number {
    return this.#strings.length;
  }

  /**
   * The string of bytes [start, end), the same string object every time the same bytes are asked
   * for; undefined when they are not ASCII or longer than MAX_LENGTH.
   */
  get(bytes: Buffer, start: number, end: number): string | undefined {
    const length = end - start;
    if (length > NameTable.MAX_LENGTH || length < 0) return undefined;
    // FNV-1a, four bytes per step, checking for non-ASCII on the way.
    let h = 0x811c9dc5 ^ length;
    let high = 0;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      const w = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
      high |= w;
      h = Math.imul(h ^ w, 0x01000193);
    }
    for (; i < end; i++) {
      const b = bytes[i]!;
      high |= b;
      h = Math.imul(h ^ b, 0x01000193);
    }
    if (high & 0x80808080) return undefined;
    h ^= h >>> 15;
    const slots = this.#slots;
    const mask = slots.length - 1;
    const arena = this.#arena;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) break;
      const e = entry - 1;
      if (this.#hashes[e] !== h) continue;
      const at = this.#starts[e]!;
      if (this.#starts[e + 1]! - at !== length) continue;
      let j = 0;
      while (j < length && arena[at + j] === bytes[start + j]) j++;
      if (j === length) return this.#strings[e];
    }
    const s = bytes.toString("latin1", start, end);
    if (this.#strings.length < NameTable.MAX_ENTRIES) this.#add(s, h, bytes, start, end);
    return s;
  }

  #add(s: string, h: number, bytes: Buffer, start: number, end: number): void {
    const e = this.#strings.length;
    if (e + 2 > this.#hashes.length) {
      this.#hashes = grown(this.#hashes, this.#hashes.length * 2);
      this.#starts = grown(this.#starts, this.#starts.length * 2);
    }
    if (this.#used + (end - start) > this.#arena.length)
      this.#arena = grown(this.#arena, Math.max(this.#arena.length * 2, this.#used + (end - start)));
    this.#arena.set(bytes.subarray(start, end), this.#used);
    this.#starts[e] = this.#used;
    this.#used += end - start;
    this.#starts[e + 1] = this.#used;
    this.#hashes[e] = h;
    this.#strings.push(s);
    if (this.#strings.length * 2 > this.#slots.length) {
      this.#slots = new Int32Array(this.#slots.length * 2);
      for (let i = 0; i < this.#strings.length; i++) this.#place(i + 1, this.#hashes[i]!);
    } else this.#place(e + 1, h);
  }

  #place(entry: number, h: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = h & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = entry;
  }
}

function grown<T extends Int32Array | Uint8Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
