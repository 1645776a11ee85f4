/**
 * One reusable read buffer per reading thread. A fresh buffer per file costs a page fault for every
 * page it touches (the kernel zero-fills them) and leaves garbage behind, a good part of the time
 * spent reading. Whatever is read into it is parsed into plain data before the next file is read,
 * so nothing may keep a view of it — facts are strings and numbers.
 */
export class Scratch {
  #buffer: Buffer = Buffer.alloc(0);

  /** @param cap the largest buffer kept for reuse; bigger files get a buffer of their own. */
  constructor(readonly cap = 8 << 20) {}

  /** A buffer of exactly `size` bytes, whose contents are whatever the last file left there. */
  take(size: number): Buffer {
    if (size > this.cap) return Buffer.allocUnsafeSlow(size);
    if (this.#buffer.length < size)
      this.#buffer = Buffer.allocUnsafeSlow(Math.min(this.cap, Math.max(size, 2 * this.#buffer.length, 64 << 10)));
    return this.#buffer.subarray(0, size);
  }
}
