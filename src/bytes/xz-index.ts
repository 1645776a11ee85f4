/**
 * The uncompressed size an xz stream declares in its index, read from the end: the 12-byte stream
 * footer gives the index size ((Backward Size + 1) × 4); the index lists, per block, its unpadded
 * and uncompressed sizes as variable-length integers. Undefined when the bytes do not end in a
 * well-formed footer and index — the decoder then finds out for itself.
 *
 * The parse asks for its bytes one offset at a time (it yields the offset, and is given the byte
 * there), so that bytes in memory (xzDeclaredSize) and a source read a window at a time
 * (xz-stream.ts) are read by the same code. `size`: the length of the xz file.
 */
export function* xzIndexParse(size: number): Generator<number, number | undefined, number> {
  if (size < 24) return undefined;
  // Front to back, so that a reader of windows reads the footer's end in one.
  let backward = 0;
  for (let i = 0; i < 4; i++) backward += (yield size - 8 + i) * 256 ** i;
  if ((yield size - 2) !== 0x59 || (yield size - 1) !== 0x5a) return undefined;
  const indexSize = (backward + 1) * 4;
  let at = size - 12 - indexSize;
  if (at < 12 || (yield at) !== 0x00) return undefined;
  at++;
  const end = size - 12 - 4; // the index ends with padding and a CRC32
  function* vli(): Generator<number, number | undefined, number> {
    let value = 0;
    for (let shift = 0; shift < 63 && at < end; shift += 7) {
      const b = yield at++;
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
    return undefined;
  }
  const records = yield* vli();
  if (records === undefined || records > indexSize) return undefined;
  let total = 0;
  for (let i = 0; i < records; i++) {
    if ((yield* vli()) === undefined) return undefined;
    const blockSize = yield* vli();
    if (blockSize === undefined) return undefined;
    total += blockSize;
  }
  return total;
}

export function xzDeclaredSize(bytes: Uint8Array): number | undefined {
  const parse = xzIndexParse(bytes.length);
  let step = parse.next();
  while (!step.done) step = parse.next(bytes[step.value]!);
  return step.value;
}
