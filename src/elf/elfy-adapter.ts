import elfy from "elfy";
import { errorMessage, FormatError } from "../core/errors.js";
import type { ByteView } from "./byte-view.js";
import { DirectSectionHeaders, SHDR_SIZE, type SectionHeader, type SectionHeaderDecoder } from "./section-headers.js";

/*
 * The only place that talks to `elfy`, the ELF library kmodaudit builds on. Its job at run time:
 * it decodes the section headers of every ELF file parsed outside the bulk scan of a tree — the
 * library's inspectBytes and parseElf (elfy is their default), kernel images and the vmlinux export
 * tables read from them (--vmlinux, resolve/vmlinux.ts), export references (--references,
 * readExportReferences) and glue attribution (audit/attribution.ts). The bulk scan reads them with
 * the direct decoder (elf/section-headers.ts), for speed; a corpus test and a differential fuzz
 * test hold the two to the same facts.
 *
 * elfy decodes sh_name, sh_offset, sh_size, sh_link and sh_info here: where each section lies, what
 * it is called and what it links to. Everything it gets wrong or leaves out is corrected here:
 *  - on ELF64 it reads sh_addralign and sh_entsize at offsets 46/54 instead of 48/56, and it maps
 *    sh_type and sh_flags to names and drops values it has no name for, so those fields (and
 *    sh_addr, which it reads as an inexact number) are read from the bytes, as the direct decoder
 *    reads them;
 *  - it reads EI_OSABI from byte 6 (EI_VERSION) instead of byte 7, maps e_type and e_machine to
 *    names and drops values it has no name for: the ELF header is read by elf/header.ts;
 *  - with e_shnum == 0 (no sections, or extended numbering via section 0) and with
 *    e_shstrndx == SHN_XINDEX it throws TypeErrors or assertion errors, and on offsets past the end
 *    it throws plain Errors or RangeErrors: the table is therefore located and validated first
 *    (elf/section-table.ts) and elfy is only asked for entries already known to be inside the file;
 *  - it slices section data with Buffer.slice, which silently stops at the end of the file: section
 *    bytes are never taken from elfy (elf/parse.ts, sectionBytes);
 *  - it needs a Node Buffer, not any Uint8Array.
 */

/** Calls into elfy and turns whatever it throws into a FormatError for `structure`. */
function viaElfy<T>(structure: string, offset: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new FormatError(structure, offset, `unreadable (${errorMessage(e)})`);
  }
}

/** Section headers through elfy. */
export class ElfySectionHeaders implements SectionHeaderDecoder {
  readonly #parser = new elfy.Parser();
  /** elfy's own reading of the ELF header, which tells it the class and byte order of every entry. */
  readonly #header: ReturnType<InstanceType<typeof elfy.Parser>["parseHeader"]>;
  readonly #bytes: Buffer;
  readonly #entsize: number;
  /** For the fields elfy gets wrong. */
  readonly #direct: DirectSectionHeaders;

  constructor(view: ByteView, elfClass: 32 | 64) {
    this.#bytes = view.bytes;
    this.#entsize = SHDR_SIZE[elfClass];
    this.#direct = new DirectSectionHeaders(view, elfClass);
    this.#header = viaElfy("ELF header", 0, () => this.#parser.parseHeader(this.#bytes));
  }

  read(at: number, into: SectionHeader): void {
    // elfy wants the entry as a Buffer of its own.
    const entry = this.#bytes.subarray(at, at + this.#entsize);
    const e = viaElfy("section header", at, () => this.#parser.parseSection(entry, this.#header, this.#bytes));
    into.name = e.name;
    into.offset = e.off;
    into.size = e.size;
    into.link = e.link;
    into.info = e.info;
    this.#direct.readKind(at, into);
  }
}
