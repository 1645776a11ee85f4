import { createHash } from "node:crypto";

/** Text that compresses about as well as a module does (3–4×): tokens drawn from a vocabulary of 4096. */
export function compressibleText(bytes: number, seed: number): Buffer {
  const vocabulary = Array.from({ length: 4096 }, (_, i) =>
    createHash("sha256")
      .update(String(i))
      .digest("base64")
      .slice(0, 3 + (i % 9)),
  );
  const out = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; ) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    i += out.write(`${vocabulary[x & 4095]} `, i);
  }
  return out;
}
