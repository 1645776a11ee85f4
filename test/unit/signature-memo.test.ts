import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { SignerMemo, splitSignature } from "../../src/kmod/signature.js";

const SIGNED = readFileSync(new URL("../../samples/signed_gpl.ko", import.meta.url));
const SIGNER = "kmodaudit sample signing key";

/** A copy of the signed sample with `at` (counted back from the signature trailer) changed. */
function altered(fromTrailer: number, byte: (b: number) => number): Buffer {
  const copy = Buffer.from(SIGNED);
  const trailerAt = copy.length - 28 - 12;
  copy[trailerAt - fromTrailer] = byte(copy[trailerAt - fromTrailer]!);
  return copy;
}

describe("signer memo", () => {
  it("gives the facts a fresh read gives, for the first signature and for one that differs only in its value", () => {
    const memo = new SignerMemo();
    expect(splitSignature(SIGNED, memo).signature).toEqual(splitSignature(SIGNED).signature);
    // The last byte before the trailer is the signature value's last byte.
    const otherValue = altered(1, (b) => b ^ 0xff);
    expect(splitSignature(otherValue, memo).signature).toEqual(splitSignature(otherValue).signature);
    expect(splitSignature(otherValue, memo).signature?.signer).toBe(SIGNER);
  });

  it("reads a signature of the same length anew when its issuer differs", () => {
    const memo = new SignerMemo();
    splitSignature(SIGNED, memo);
    const at = SIGNED.lastIndexOf(Buffer.from(SIGNER, "latin1"));
    expect(at).toBeGreaterThan(0);
    const copy = Buffer.from(SIGNED);
    copy.write("K", at, "latin1"); // "kmodaudit …" becomes "Kmodaudit …", same length
    expect(splitSignature(copy, memo).signature?.signer).toBe(`K${SIGNER.slice(1)}`);
  });

  it("hands out facts a caller may change without changing the next module's", () => {
    const memo = new SignerMemo();
    const first = splitSignature(SIGNED, memo).signature!;
    first.signer = "changed";
    expect(splitSignature(SIGNED, memo).signature?.signer).toBe(SIGNER);
  });
});
