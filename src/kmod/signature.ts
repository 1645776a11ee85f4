import { FormatError } from "../core/errors.js";
import { derChildren, derOid, readDer, type Der } from "./der.js";
import type { ModuleSignature } from "../core/facts.js";

const MAGIC = Buffer.from("~Module signature appended~\n", "latin1");
const INFO_SIZE = 12; // struct module_signature

const ID_TYPES = ["PGP", "X509", "PKCS#7"] as const;
// enum pkey_hash_algo in the kernel, used by the pre-PKCS#7 format.
const HASH_ALGOS = ["md4", "md5", "sha1", "rmd160", "sha256", "sha384", "sha512", "sha224", "sm3"];
const DIGEST_OIDS: Record<string, string> = {
  "1.2.840.113549.2.5": "md5",
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.8": "sha3-256",
  "2.16.840.1.101.3.4.2.9": "sha3-384",
  "2.16.840.1.101.3.4.2.10": "sha3-512",
  "1.2.156.10197.1.401": "sm3",
};
const OID_COMMON_NAME = "2.5.4.3";

export interface SplitResult {
  /** The module bytes without the signature (the whole input when unsigned or damaged). */
  elf: Buffer;
  signature: ModuleSignature | null;
}

/** struct module_signature, which ends a signed module before the magic, as the kernel lays it out. */
export interface SignatureTrailer {
  /** Where the struct starts: the signer's name, key id and signature (in that order) end here. */
  info: number;
  hash: number;
  idType: number;
  signerLen: number;
  keyIdLen: number;
  sigLen: number;
  /** signerLen + keyIdLen + sigLen: more than `info` when the lengths do not fit the file. */
  total: number;
}

/**
 * The trailer of an appended signature; undefined when the bytes do not end with the magic. It is
 * read from the last 40 bytes alone, so that a reader of a file's end can tell which bytes before
 * them the signature takes.
 */
export function signatureTrailer(bytes: Buffer): SignatureTrailer | undefined {
  if (bytes.length < MAGIC.length + INFO_SIZE || !bytes.subarray(bytes.length - MAGIC.length).equals(MAGIC)) {
    return undefined;
  }
  const info = bytes.length - MAGIC.length - INFO_SIZE;
  const signerLen = bytes[info + 3]!;
  const keyIdLen = bytes[info + 4]!;
  const sigLen = bytes.readUInt32BE(info + 8);
  const total = sigLen + signerLen + keyIdLen;
  return { info, hash: bytes[info + 1]!, idType: bytes[info + 2]!, signerLen, keyIdLen, sigLen, total };
}

/**
 * A signed module ends with [signature][struct module_signature][magic]; the ELF is what precedes
 * them. A trailer whose lengths do not fit is reported as damaged and the bytes are parsed whole,
 * as the ELF reader ignores anything after the last section anyway.
 */
export function splitSignature(bytes: Buffer, memo?: SignerMemo): SplitResult {
  const trailer = signatureTrailer(bytes);
  if (!trailer) return { elf: bytes, signature: null };
  const { info, hash, signerLen, keyIdLen, sigLen, total } = trailer;
  const idType = ID_TYPES[trailer.idType] ?? (`unknown(${trailer.idType})` as const);
  if (total > info) {
    return {
      elf: bytes,
      signature: { present: true, idType, damaged: `signature lengths (${total} bytes) exceed the file` },
    };
  }
  const sigStart = info - sigLen;
  const elf = bytes.subarray(0, info - total);
  const signature: ModuleSignature = { present: true, idType };
  if (idType === "PKCS#7") {
    try {
      const p7 = bytes.subarray(sigStart, info);
      Object.assign(signature, memo ? memo.read(p7) : readPkcs7Signer(p7).facts);
    } catch (e) {
      signature.damaged = e instanceof FormatError ? e.message : String(e);
    }
  } else {
    const signerStart = elf.length;
    signature.signer = bytes.toString("utf8", signerStart, signerStart + signerLen);
    signature.keyId = hexColons(bytes.subarray(signerStart + signerLen, signerStart + signerLen + keyIdLen));
    if (HASH_ALGOS[hash]) signature.hashAlgo = HASH_ALGOS[hash];
  }
  return { elf, signature };
}

const HEX = Array.from({ length: 256 }, (_, x) => x.toString(16).toUpperCase().padStart(2, "0"));

function hexColons(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i++) out += i === 0 ? HEX[b[i]!] : `:${HEX[b[i]!]}`;
  return out;
}

type SignerFacts = Pick<ModuleSignature, "signer" | "keyId" | "hashAlgo">;

/**
 * The facts of the last PKCS#7 signature read, for the next. The modules of a tree are signed with
 * one key, and their PKCS#7 blobs then differ only in the signature value: the last bytes of the
 * blob, which nothing here reads, while every length, the issuer, serial and digest algorithm
 * precede it. A blob of the same length whose bytes before the value are the same therefore has
 * the same facts, told by one comparison instead of a DER walk, which is a large part of a plain
 * module's parse. One per reading thread (FactBuilder.signers, kmod/fact-builder.ts).
 */
export class SignerMemo {
  #last: { prefix: Buffer; length: number; facts: SignerFacts } | undefined;

  /** The facts are shared with later calls: copy them, never change them (splitSignature copies). */
  read(p7: Buffer): Readonly<SignerFacts> {
    const last = this.#last;
    if (
      last &&
      p7.length === last.length &&
      p7.compare(last.prefix, 0, last.prefix.length, 0, last.prefix.length) === 0
    )
      return last.facts;
    const { facts, opaqueFrom } = readPkcs7Signer(p7);
    // Copied: p7 may be a view of a buffer the next file is read into.
    if (opaqueFrom !== null) this.#last = { prefix: Buffer.from(p7.subarray(0, opaqueFrom)), length: p7.length, facts };
    return facts;
  }
}

/**
 * ContentInfo → SignedData → signerInfos[0] → issuerAndSerialNumber / digestAlgorithm. kmod's
 * modinfo reports the issuer CN as "signer" and the serial as "sig_key"; the same are taken here.
 * `opaqueFrom`: where the signature value starts when it ends the blob (the usual layout), so that
 * nothing after that offset bears on the facts (see SignerMemo); null otherwise.
 */
function readPkcs7Signer(p7: Buffer): { facts: SignerFacts; opaqueFrom: number | null } {
  const fail = (what: string): never => {
    throw new FormatError("PKCS#7 signature", undefined, what);
  };
  const seq = (el: Der | undefined, what: string): Der[] =>
    el && (el.tag === 0x30 || el.tag === 0x31 || el.tag === 0xa0) ? derChildren(p7, el) : fail(`expected ${what}`);
  const contentInfo = seq(readDer(p7, 0, p7.length), "ContentInfo");
  const signedData = seq(seq(contentInfo[1], "[0] content")[0], "SignedData");
  const signerInfos = signedData.find((el, i) => i > 0 && el.tag === 0x31 && i === signedData.length - 1);
  const signerInfo = seq(seq(signerInfos, "signerInfos")[0], "SignerInfo");
  const issuerAndSerial = seq(signerInfo[1], "issuerAndSerialNumber");
  const out: SignerFacts = {};
  for (const rdn of seq(issuerAndSerial[0], "issuer Name")) {
    for (const atv of seq(rdn, "RelativeDistinguishedName")) {
      const [oid, value] = seq(atv, "AttributeTypeAndValue");
      if (oid && value && derOid(p7, oid) === OID_COMMON_NAME) out.signer = p7.toString("utf8", value.start, value.end);
    }
  }
  const serial = issuerAndSerial[1];
  if (serial && serial.tag === 0x02) out.keyId = hexColons(p7.subarray(serial.start, serial.end));
  const digest = seq(signerInfo[2], "digestAlgorithm")[0];
  if (digest && digest.tag === 0x06) out.hashAlgo = DIGEST_OIDS[derOid(p7, digest)] ?? derOid(p7, digest);
  // SignerInfo ends with encryptedDigest (an OCTET STRING) unless unauthenticated attributes follow.
  const value = signerInfo[signerInfo.length - 1];
  return { facts: out, opaqueFrom: value && value.tag === 0x04 && value.end === p7.length ? value.start : null };
}
