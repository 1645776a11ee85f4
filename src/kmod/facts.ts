import { createHash } from "node:crypto";
import { decompress } from "../bytes/sniff.js";
import type { Compression, ExportedSymbol, ObjectFacts } from "../core/facts.js";
import type { DecodeLimits } from "../core/limits.js";
import { ET_DYN, ET_EXEC, ET_REL, machineName, SHN_UNDEF, STB_GLOBAL, STB_WEAK } from "../elf/constants.js";
import { hasElfMagic } from "../elf/header.js";
import { parseElf, sectionBytes } from "../elf/parse.js";
import { findSymtab, readSymbols, readUndefinedOrPrefixedSymbols } from "../elf/symbols.js";
import type { ReadRanges } from "../elf/byte-view.js";
import type { ElfFile, ElfSection, ElfSymbol } from "../elf/types.js";
import { type FactBuilder, PLAIN_FACTS } from "./fact-builder.js";
import { EXPORT_LABEL_PREFIXES, readExports } from "./exports.js";
import { readImports } from "./imports.js";
import { functionReferences } from "./references.js";
import { readVmkExports } from "./vmkernel.js";
import { parseModinfo, tagValues } from "./modinfo.js";
import { splitSignature } from "./signature.js";
import { readVersions } from "./versions.js";

/** What the caller of the library chooses about reading a module. */
export interface InspectOptions {
  limits: DecodeLimits;
  /** Hash the decompressed bytes (the JSON report's sha256). Costs a pass over every byte. */
  hash?: boolean;
  /** Read exportReferences now instead of on demand. */
  references?: boolean;
  /**
   * List every archive member that is no module (default), or only count them (InputResult.counted):
   * an archive of a million empty members then costs a count, not a million entries.
   */
  listSkippedMembers?: boolean;
}

/**
 * How the parsers are run, beyond what InspectOptions asks: the scan engine's devices for speed and
 * memory (src/engine/), which no fact may depend on. Internal: the library's entry points
 * (inspectBytes, inspectInput) run with none of them, and src/index.ts exports neither this type
 * nor the functions that take it.
 */
export interface ParseSetup {
  /** Makes the strings and objects the facts keep (kmod/fact-builder.ts); PLAIN_FACTS unless given. */
  builder?: FactBuilder;
  /** Which section-header decoder to use (see elf/parse.ts); elfy unless given. */
  decoder?: "elfy" | "direct";
  /** The parts of the bytes that were read, when not all were: reading others throws UnreadBytes. */
  readRanges?: ReadRanges;
}

/** `bytes`: how many bytes the input came to after decompression (counted against the scan's total). */
export type Inspection =
  | { outcome: "facts"; facts: ObjectFacts; bytes: number }
  | { outcome: "skipped"; reason: string; bytes: number };

/** What a file that is not ELF starts with, as a skipped file's reason says it. */
export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return "empty file";
  const head = Buffer.from(bytes.subarray(0, 8)).toString("hex").replace(/(..)/g, "$1 ").trim();
  return `not ELF (starts with ${head})`;
}

/** `symbols`: the whole symbol table (relocations name symbols by index), read here when not given. */
function exportReferencesOf(
  elf: ElfFile,
  exports: readonly ExportedSymbol[],
  symbols?: ElfSymbol[],
): Record<string, string[]> {
  const symtab = findSymtab(elf);
  if (!symtab || exports.length === 0) return {};
  const exported = new Set(exports.map((e) => e.symbol));
  return Object.fromEntries(functionReferences(elf, symbols ?? readSymbols(elf, symtab), (s) => exported.has(s.name)));
}

/** The exportReferences of a module's bytes (as inspectBytes was given them). */
export async function readExportReferences(input: Buffer, limits: DecodeLimits): Promise<Record<string, string[]>> {
  const elf = parseElf(splitSignature((await decompress(input, limits)).bytes).elf, "elfy", limits);
  const symtab = findSymtab(elf);
  if (!symtab) return {};
  const symbols = readSymbols(elf, symtab);
  return exportReferencesOf(elf, readExports(elf, symbols), symbols);
}

/**
 * The global and weak symbols an object defines, by name: what another object linked with it can
 * call. A vendor blob's glue is the object that defines what the blob imports from outside the kernel.
 */
export async function readDefinedSymbols(input: Buffer, limits: DecodeLimits): Promise<Set<string>> {
  const elf = parseElf(splitSignature((await decompress(input, limits)).bytes).elf, "elfy", limits);
  const symtab = findSymtab(elf);
  const defined = new Set<string>();
  if (!symtab) return defined;
  for (const s of readSymbols(elf, symtab)) {
    if (s.shndx !== SHN_UNDEF && (s.bind === STB_GLOBAL || s.bind === STB_WEAK) && s.name) defined.add(s.name);
  }
  return defined;
}

/**
 * Opens one file's bytes by content: decompresses gzip/xz/zstd, strips an appended signature and
 * reads the ELF. Throws FormatError when the bytes are damaged; returns "skipped" with the reason
 * when they are intact but not a kernel module or relocatable object.
 */
export async function inspectBytes(input: Buffer, opts: InspectOptions | DecodeLimits): Promise<Inspection> {
  return inspectBytesWith(input, "limits" in opts ? opts : { limits: opts, hash: true }, {});
}

/** inspectBytes, run as `setup` says. */
export async function inspectBytesWith(input: Buffer, options: InspectOptions, setup: ParseSetup): Promise<Inspection> {
  const { bytes, compression } = await decompress(input, options.limits);
  return inspectDecompressed(bytes, compression, options, setup);
}

/** The rest of inspectBytes, for bytes already decompressed (archive members: kmod/inspect-input.ts). */
export function inspectDecompressed(
  bytes: Buffer,
  compression: Compression | null,
  options: InspectOptions,
  setup: ParseSetup,
): Inspection {
  if (!hasElfMagic(bytes)) {
    const start = describeStart(bytes);
    const reason = compression ? `${compression}-compressed, ${start}` : start;
    return { outcome: "skipped", reason, bytes: bytes.length };
  }
  return elfFacts(bytes, compression, options, setup);
}

/**
 * The symbols the facts are read from. Only imports and export labels are wanted, so other defined
 * symbols are passed over unread, except in a VMkernel module: its exports are found through
 * relocations, which name symbols by their index in the table.
 */
function symbolsOf(elf: ElfFile, symtab: ElfSection | undefined, dialect: ObjectFacts["dialect"]): ElfSymbol[] {
  if (!symtab) return [];
  if (dialect === "vmkernel") return readSymbols(elf, symtab);
  return readUndefinedOrPrefixedSymbols(elf, symtab, EXPORT_LABEL_PREFIXES);
}

function elfFacts(
  bytes: Buffer,
  compression: Compression | null,
  options: InspectOptions,
  setup: ParseSetup,
): Inspection {
  const build = setup.builder ?? PLAIN_FACTS;
  const { elf: elfBytes, signature } = splitSignature(bytes, build.signers);
  const elf = parseElf(elfBytes, setup.decoder, options.limits, setup.readRanges);
  if (elf.type !== ET_REL) {
    const what = elf.type === ET_EXEC ? "executable" : elf.type === ET_DYN ? "shared object" : `type ${elf.type}`;
    return { outcome: "skipped", reason: `ELF ${what}, not a relocatable module or object`, bytes: bytes.length };
  }
  const vmkinfo = elf.sections.find((s) => s.name === ".vmkmodinfo");
  const modinfoSection = elf.sections.find((s) => s.name === ".modinfo") ?? vmkinfo;
  const dialect = modinfoSection !== undefined && modinfoSection === vmkinfo ? "vmkernel" : "linux";
  const symbols = symbolsOf(elf, findSymtab(elf), dialect);
  const info = modinfoSection
    ? parseModinfo(sectionBytes(elf, modinfoSection), options.limits.maxStringBytes, build)
    : { tags: [], stray: [] };
  const versionsSection = elf.sections.find((s) => s.name === "__versions");
  const single = (key: string) => tagValues(info, key)[0] ?? null;
  const dependsTag = single("depends");
  const exports = dialect === "vmkernel" ? readVmkExports(elf, symbols) : readExports(elf, symbols);
  for (const e of exports) e.symbol = build.name(e.symbol);
  const facts: ObjectFacts = {
    kind: modinfoSection ? "module" : "object",
    dialect,
    sha256: options.hash === false ? null : createHash("sha256").update(bytes).digest("hex"),
    compression,
    elf: build.elf({ class: elf.elfClass, endian: elf.endian, machine: machineName(elf.machine) }),
    modinfo: info.tags,
    modinfoStray: info.stray,
    licenses: tagValues(info, "license"),
    name: single("name"),
    vermagic: single("vermagic"),
    depends:
      dependsTag === null
        ? null
        : dependsTag
            .split(",")
            .filter((d) => d !== "")
            .map((d) => build.name(d)),
    importNs: tagValues(info, "import_ns"),
    signature: signature && build.signature(signature),
    exports,
    imports: readImports(symbols, elf.machine, build),
    versions: versionsSection ? readVersions(elf.view, versionsSection, elf.elfClass === 64, build) : [],
  };
  if (options.references) facts.exportReferences = exportReferencesOf(elf, exports);
  return { outcome: "facts", facts, bytes: bytes.length };
}
