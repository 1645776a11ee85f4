import { FormatError } from "../core/errors.js";

/** One DER element: tag byte, and where its contents start and end in the buffer. */
export interface Der {
  tag: number;
  start: number;
  end: number;
}

/** Reads the DER element at `at`, never beyond `limit`. Only definite lengths exist in DER. */
export function readDer(buf: Uint8Array, at: number, limit: number): Der {
  if (at + 2 > limit) throw new FormatError("PKCS#7 signature", at, "DER element runs past its container");
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4)
      throw new FormatError("PKCS#7 signature", at, `unsupported DER length form (${n} length bytes)`);
    if (start + n > limit) throw new FormatError("PKCS#7 signature", at, "DER length runs past its container");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) throw new FormatError("PKCS#7 signature", at, `DER element of ${len} bytes runs past its container`);
  return { tag, start, end };
}

/** The children of a constructed element, in order. */
export function derChildren(buf: Uint8Array, parent: Der): Der[] {
  const out: Der[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = readDer(buf, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function derOid(buf: Uint8Array, el: Der): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = el.start; i < el.end; i++) {
    const b = buf[i]!;
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}
