/**
 * A map from names to values that costs a few dozen bytes a name: the names' UTF-8 bytes in one
 * growing buffer, an open-addressing table of entry numbers. An archive's hard links may name any
 * earlier member, so every member's name is kept while the archive is read; a Map of strings would
 * cost several times as much, and an archive of a million members is a million names.
 */
export class NameIndex<V> {
  #bytes = Buffer.allocUnsafe(1 << 16);
  #used = 0;
  /** Entry i's name is #bytes[#starts[i], #starts[i + 1]). */
  #starts = new Uint32Array(1 << 10);
  #values: V[] = [];
  /** Entry numbers by hash, -1 where free; never more than half full. */
  #table = new Int32Array(1 << 11).fill(-1);
  #scratch = Buffer.allocUnsafe(1 << 10);

  get size(): number {
    return this.#values.length;
  }

  get(name: string): V | undefined {
    const n = this.#encode(name);
    const slot = this.#slot(n);
    const entry = this.#table[slot]!;
    return entry < 0 ? undefined : this.#values[entry];
  }

  set(name: string, value: V): void {
    const n = this.#encode(name);
    const slot = this.#slot(n);
    const entry = this.#table[slot]!;
    if (entry >= 0) {
      this.#values[entry] = value;
      return;
    }
    const i = this.#values.length;
    this.#values.push(value);
    this.#append(n);
    this.#table[slot] = i;
    if (this.#values.length * 2 > this.#table.length) this.#rehash();
  }

  /** The name's bytes into #scratch; their length. */
  #encode(name: string): number {
    const most = name.length * 3;
    if (most > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(most);
    return this.#scratch.write(name, 0, "utf8");
  }

  /** Where the name in #scratch[0, n) is in #table, or the free slot it would take. */
  #slot(n: number): number {
    const mask = this.#table.length - 1;
    for (let slot = hash(this.#scratch, 0, n) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#table[slot]!;
      if (entry < 0 || this.#equals(entry, n)) return slot;
    }
  }

  #equals(entry: number, n: number): boolean {
    const start = this.#starts[entry]!;
    const end = entry + 1 < this.#values.length ? this.#starts[entry + 1]! : this.#used;
    return end - start === n && this.#bytes.compare(this.#scratch, 0, n, start, end) === 0;
  }

  #append(n: number): void {
    const i = this.#values.length - 1;
    if (i >= this.#starts.length) {
      const grown = new Uint32Array(this.#starts.length * 2);
      grown.set(this.#starts);
      this.#starts = grown;
    }
    this.#starts[i] = this.#used;
    if (this.#used + n > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#used + n));
      this.#bytes.copy(grown, 0, 0, this.#used);
      this.#bytes = grown;
    }
    this.#scratch.copy(this.#bytes, this.#used, 0, n);
    this.#used += n;
  }

  #rehash(): void {
    const table = new Int32Array(this.#table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let i = 0; i < this.#values.length; i++) {
      const start = this.#starts[i]!;
      const end = i + 1 < this.#values.length ? this.#starts[i + 1]! : this.#used;
      let slot = hash(this.#bytes, start, end) & mask;
      while (table[slot]! >= 0) slot = (slot + 1) & mask;
      table[slot] = i;
    }
    this.#table = table;
  }
}

/** FNV-1a over bytes [start, end). */
function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
