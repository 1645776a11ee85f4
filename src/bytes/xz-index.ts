/**
 * The uncompressed size an xz stream declares in its index, read from the end: the 12-byte stream
 * footer gives the index size ((Backward Size + 1) × 4); the index lists, per block, its unpadded
 * and uncompressed sizes as variable-length integers. Undefined when the bytes do not end in a
 * well-formed footer and index — the decoder then finds out for itself.
 */
export function xzDeclaredSize(bytes: Uint8Array): number | undefined {
  const n = bytes.length;
  if (n < 24 || bytes[n - 2] !== 0x59 || bytes[n - 1] !== 0x5a) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
  const indexSize = (dv.getUint32(n - 8, true) + 1) * 4;
  let at = n - 12 - indexSize;
  if (at < 12 || bytes[at] !== 0x00) return undefined;
  at++;
  const end = n - 12 - 4; // the index ends with padding and a CRC32
  const vli = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 63 && at < end; shift += 7) {
      const b = bytes[at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
    return undefined;
  };
  const records = vli();
  if (records === undefined || records > indexSize) return undefined;
  let total = 0;
  for (let i = 0; i < records; i++) {
    if (vli() === undefined) return undefined;
    const size = vli();
    if (size === undefined) return undefined;
    total += size;
  }
  return total;
}
