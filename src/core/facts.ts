/*
 * Module facts: what kmodaudit reads from one ELF object's bytes alone, as plain data. Every stage
 * above the parsers reads these types; none of them knows how they were read.
 */
import type { ExportType } from "./export-types.js";

export type Endian = "little" | "big";

export type Compression = "gzip" | "xz" | "zstd" | "bzip2";

export interface ExportedSymbol {
  symbol: string;
  type: ExportType;
  gplOnly: boolean;
  namespace: string | null;
  /** The modversions CRC importers must match, from `__crc_<sym>`; null without CONFIG_MODVERSIONS. */
  crc: number | null;
}

export interface ImportedSymbol {
  symbol: string;
  /** A weak reference resolves to 0 when nothing provides it, so it never fails a load. */
  weak: boolean;
}

export interface SymbolVersion {
  symbol: string;
  crc: number;
}

/** A modversions CRC as Module.symvers writes it: 0x and eight hex digits. */
export const hexCrc = (crc: number): string => `0x${crc.toString(16).padStart(8, "0")}`;

/** What the appended module signature says, as far as it can be read. */
export interface ModuleSignature {
  present: true;
  /** PKCS#7 (the only kind since 4.x), X509 or PGP: the id_type of struct module_signature. */
  idType: "PKCS#7" | "X509" | "PGP" | `unknown(${number})`;
  /** The issuer's common name for PKCS#7, as `modinfo` prints it; the embedded name otherwise. */
  signer?: string;
  /** Serial number (PKCS#7) or key id, hex with colons as `modinfo` prints it. */
  keyId?: string;
  hashAlgo?: string;
  /** Set when the trailer is present but its contents could not be read. */
  damaged?: string;
}

/** One string in .modinfo that is not `key=value`. */
export interface StrayModinfoString {
  text: string;
  offset: number;
  /** Key of the tag this string directly follows (only one NUL between them), e.g. "license". */
  follows: string | null;
}

/**
 * Everything kmodaudit knows about one ELF object, read from its bytes alone. Plain data: no
 * policy, no resolution, so it can be cached or passed between threads.
 */
export interface ObjectFacts {
  /** "module": has .modinfo. "object": an ET_REL without it — a vendor blob if it imports kernel symbols. */
  kind: "module" | "object";
  /** "vmkernel": a VMware ESX module (.vmkmodinfo), whose license rules differ (rules/license.ts). */
  dialect: "linux" | "vmkernel";
  /** Of the decompressed file; null when the caller did not ask for it. */
  sha256: string | null;
  compression: Compression | null;
  elf: { class: 32 | 64; endian: Endian; machine: string };
  modinfo: [string, string][];
  modinfoStray: StrayModinfoString[];
  licenses: string[];
  name: string | null;
  vermagic: string | null;
  /** The `depends=` tag split on commas; null when the tag is absent. */
  depends: string[] | null;
  importNs: string[];
  signature: ModuleSignature | null;
  exports: ExportedSymbol[];
  imports: ImportedSymbol[];
  versions: SymbolVersion[];
  /**
   * For each exported function: the imports its code reaches, by relocations (see references.ts).
   * This is what tells a GPL shim that re-exports GPL-only functionality from one whose plain API
   * never touches it. Reading relocations is the costliest part of a module, and only exports a
   * non-GPL module imports need it, so it is read on demand (see readExportReferences) unless
   * `references` is asked for up front.
   */
  exportReferences?: Record<string, string[]>;
}
