import { FormatError } from "../core/errors.js";
import type { Endian } from "../core/facts.js";

/** Which parts of a buffer hold the file's bytes, when it was read in parts (engine/ranged-read.ts). */
export interface ReadRanges {
  /** The part read, [start, end), that holds [offset, offset+size); undefined when none does. */
  around(offset: number, size: number): { readonly start: number; readonly end: number } | undefined;
}

/**
 * A read of bytes the file was never read into: not a property of the file, so never reported.
 * Whoever read it in parts catches it and reads the file whole (engine/inspect-file.ts).
 */
export class UnreadBytes extends Error {
  constructor(
    readonly offset: number,
    readonly size: number,
  ) {
    super(`bytes ${offset}..${offset + size} were not read`);
  }
}

/**
 * Bounded, endian-aware reads over one byte range. Every read goes through `range`, so no caller
 * can read past the end, and the byte order is chosen once here instead of at each call site.
 * Offsets are absolute positions in `bytes`; there is no cursor.
 */
export class ByteView {
  readonly little: boolean;
  private readonly dv: DataView;

  /**
   * @param read the parts of `bytes` that hold the file's bytes, when not all do: a read outside
   *   them throws UnreadBytes instead of returning whatever the buffer held before.
   */
  constructor(
    readonly bytes: Buffer,
    readonly endian: Endian,
    readonly read: ReadRanges | undefined = undefined,
  ) {
    this.little = endian === "little";
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The part read that the last check fell in: most reads fall where the last one did. */
  #readFrom = 0;
  #readTo = 0;

  #checkRead(offset: number, size: number): void {
    const part = this.read!.around(offset, size);
    if (!part) throw new UnreadBytes(offset, size);
    this.#readFrom = part.start;
    this.#readTo = part.end;
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Checks that [offset, offset+size) lies inside the bytes; returns the end offset. */
  range(offset: number, size: number, structure: string): number {
    // Every field read comes through here: the common case (both whole numbers below 2^32, inside
    // the bytes) is told by three comparisons; anything else takes the checks below.
    const fast = offset + size;
    if (offset >>> 0 === offset && size >>> 0 === size && fast <= this.bytes.length) {
      if (this.read !== undefined && (offset < this.#readFrom || fast > this.#readTo)) this.#checkRead(offset, size);
      return fast;
    }
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) {
      throw new FormatError(
        structure,
        Number.isSafeInteger(offset) ? offset : undefined,
        `invalid range (offset ${offset}, size ${size})`,
      );
    }
    const end = offset + size;
    if (end > this.bytes.length) {
      throw new FormatError(
        structure,
        offset,
        `${size} bytes run past the end of the file (${this.bytes.length} bytes)`,
      );
    }
    if (this.read !== undefined) this.#checkRead(offset, size);
    return end;
  }

  slice(offset: number, size: number, structure: string): Buffer {
    const end = this.range(offset, size, structure);
    return this.bytes.subarray(offset, end);
  }

  u8(offset: number, structure: string): number {
    this.range(offset, 1, structure);
    return this.bytes[offset]!;
  }

  u16(offset: number, structure: string): number {
    this.range(offset, 2, structure);
    return this.dv.getUint16(offset, this.little);
  }

  u32(offset: number, structure: string): number {
    this.range(offset, 4, structure);
    return this.dv.getUint32(offset, this.little);
  }

  i32(offset: number, structure: string): number {
    this.range(offset, 4, structure);
    return this.dv.getInt32(offset, this.little);
  }

  /** 64-bit value as a bigint, for addresses and CRC words that may exceed 2^53. */
  u64big(offset: number, structure: string): bigint {
    this.range(offset, 8, structure);
    // Most 64-bit fields of a relocatable object are zero (every sh_addr): the literal is shared,
    // a decoded bigint is a fresh allocation.
    if (this.dv.getUint32(offset, true) === 0 && this.dv.getUint32(offset + 4, true) === 0) return 0n;
    return this.dv.getBigUint64(offset, this.little);
  }

  /** 64-bit value used as an offset, size or count: must fit a safe integer. */
  u64(offset: number, structure: string): number {
    this.range(offset, 8, structure);
    const hi = this.dv.getUint32(offset + (this.little ? 4 : 0), this.little);
    const lo = this.dv.getUint32(offset + (this.little ? 0 : 4), this.little);
    if (hi >= 0x200000)
      throw new FormatError(
        structure,
        offset,
        `64-bit value 0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")} is too large`,
      );
    return hi * 0x100000000 + lo;
  }

  /** Address-sized word: 4 bytes on ELF32, 8 on ELF64. */
  word(offset: number, is64: boolean, structure: string): number {
    return is64 ? this.u64(offset, structure) : this.u32(offset, structure);
  }

  /**
   * NUL-terminated string starting at `offset`, bounded by `limit` (exclusive). Returns undefined
   * when no NUL occurs before the limit, so callers decide whether that is an error.
   */
  cstring(offset: number, limit: number, structure: string): string | undefined {
    if (offset < 0 || offset >= limit || limit > this.bytes.length) {
      throw new FormatError(structure, offset, `string offset outside its table (table ends at ${limit})`);
    }
    if (this.read !== undefined && (offset < this.#readFrom || limit > this.#readTo))
      this.#checkRead(offset, limit - offset);
    const nul = this.bytes.indexOf(0, offset);
    if (nul < 0 || nul >= limit) return undefined;
    return this.bytes.toString("latin1", offset, nul);
  }
}
