import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { signatureTrailer, splitSignature } from "../../src/kmod/signature.js";

const SIGNED = readFileSync(new URL("../../samples/signed_gpl.ko", import.meta.url));
const UNSIGNED = readFileSync(new URL("../../samples/gpl_clean.ko", import.meta.url));

describe("the appended signature's trailer", () => {
  it("is struct module_signature before the magic, and says where the module's ELF ends", () => {
    const trailer = signatureTrailer(SIGNED)!;
    expect(trailer.info).toBe(SIGNED.length - 12 - 28);
    expect(trailer.idType).toBe(2); // PKCS#7
    expect(trailer.total).toBe(trailer.sigLen + trailer.signerLen + trailer.keyIdLen);
    expect(splitSignature(SIGNED).elf.length).toBe(trailer.info - trailer.total);
  });

  it("is absent from a module without the magic", () => {
    expect(signatureTrailer(UNSIGNED)).toBeUndefined();
  });

  it("whose lengths exceed the file marks the signature damaged and leaves the bytes whole", () => {
    const copy = Buffer.from(SIGNED);
    copy.writeUInt32BE(copy.length, copy.length - 28 - 4); // sig_len
    expect(signatureTrailer(copy)!.total).toBeGreaterThan(signatureTrailer(copy)!.info);
    const split = splitSignature(copy);
    expect(split.elf).toBe(copy);
    expect(split.signature?.damaged).toMatch(/exceed the file/);
  });
});
