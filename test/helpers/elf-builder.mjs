// Plain JavaScript, typed by elf-builder.d.mts, so that node scripts (test/hostile/make.mjs, the fuzzer) share it with the tests.
export function buildElf(spec) {
  const is64 = spec.elfClass === 64;
  const le = spec.endian === "little";
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  // Section 0 is the null section; the name table is added last.
  const names = ["", ...spec.sections.map((s) => s.name), ".shstrtab"];
  const shstr = [0];
  const nameOff = names.map((n) => {
    if (n === "") return 0;
    const at = shstr.length;
    shstr.push(...Buffer.from(n, "latin1"), 0);
    return at;
  });
  const all = [{ name: "", type: 0 }, ...spec.sections, { name: ".shstrtab", type: 3, data: Uint8Array.from(shstr) }];
  const chunks = [];
  let offset = ehsize;
  const offsets = all.map((s) => {
    const pad = (8 - (offset % 8)) % 8;
    if (pad) chunks.push(Buffer.alloc(pad));
    offset += pad;
    const at = offset;
    if (s.data && s.type !== 8) {
      chunks.push(Buffer.from(s.data));
      offset += s.data.length;
    }
    return at;
  });
  const padEnd = (8 - (offset % 8)) % 8;
  if (padEnd) chunks.push(Buffer.alloc(padEnd));
  const shoff = offset + padEnd;
  const header = Buffer.alloc(ehsize);
  header.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, spec.osabi ?? 0]);
  const w16 = (b, at, v) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const w32 = (b, at, v) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const w64 = (b, at, v) => (le ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at));
  const word = (b, at, v) => (is64 ? w64(b, at, v) : w32(b, at, v));
  w16(header, 16, spec.type ?? 1);
  w16(header, 18, spec.machine ?? (is64 ? 62 : 3));
  w32(header, 20, 1);
  word(header, is64 ? 40 : 32, shoff);
  w16(header, is64 ? 52 : 40, ehsize);
  w16(header, is64 ? 58 : 46, shentsize);
  w16(header, is64 ? 60 : 48, all.length);
  w16(header, is64 ? 62 : 50, all.length - 1);
  const table = Buffer.alloc(all.length * shentsize);
  all.forEach((s, i) => {
    const at = i * shentsize;
    w32(table, at, nameOff[i]);
    w32(table, at + 4, s.type);
    word(table, at + 8, s.flags ?? 0);
    word(table, at + (is64 ? 24 : 16), i === 0 ? 0 : offsets[i]);
    word(table, at + (is64 ? 32 : 20), s.size ?? s.data?.length ?? 0);
    w32(table, at + (is64 ? 40 : 24), s.link ?? 0);
    w32(table, at + (is64 ? 44 : 28), s.info ?? 0);
    word(table, at + (is64 ? 48 : 32), s.addralign ?? 1);
    word(table, at + (is64 ? 56 : 36), s.entsize ?? 0);
  });
  const bytes = Buffer.concat([header, ...chunks, table]);
  return { bytes, shoff, shdrAt: (i) => shoff + i * shentsize };
}
/** A .symtab body and its .strtab, for sections placed at `strtabIndex` by the caller. */
export function symbolTable(elfClass, endian, symbols) {
  const is64 = elfClass === 64;
  const le = endian === "little";
  const size = is64 ? 24 : 16;
  const strs = [0];
  const symtab = Buffer.alloc((symbols.length + 1) * size);
  symbols.forEach((s, k) => {
    const at = (k + 1) * size;
    const nameAt = strs.length;
    strs.push(...Buffer.from(s.name, "latin1"), 0);
    const info = ((s.bind ?? 1) << 4) | (s.type ?? 0);
    const w32 = (v, o) => (le ? symtab.writeUInt32LE(v, o) : symtab.writeUInt32BE(v, o));
    const w16 = (v, o) => (le ? symtab.writeUInt16LE(v, o) : symtab.writeUInt16BE(v, o));
    w32(nameAt, at);
    if (is64) {
      symtab[at + 4] = info;
      w16(s.shndx ?? 0, at + 6);
      le
        ? symtab.writeBigUInt64LE(BigInt(s.value ?? 0), at + 8)
        : symtab.writeBigUInt64BE(BigInt(s.value ?? 0), at + 8);
      le
        ? symtab.writeBigUInt64LE(BigInt(s.size ?? 0), at + 16)
        : symtab.writeBigUInt64BE(BigInt(s.size ?? 0), at + 16);
    } else {
      w32(s.value ?? 0, at + 4);
      w32(s.size ?? 0, at + 8);
      symtab[at + 12] = info;
      w16(s.shndx ?? 0, at + 14);
    }
  });
  return { symtab, strtab: Buffer.from(strs) };
}
export const FLAVOURS = [
  { elfClass: 64, endian: "little" },
  { elfClass: 32, endian: "little" },
  { elfClass: 64, endian: "big" },
  { elfClass: 32, endian: "big" },
];
/** A minimal module: .modinfo, __ksymtab_gpl with one export label, and imports in .symtab. */
export function miniModule(elfClass, endian, modinfo, imports = ["_printk", "debugfs_create_dir"]) {
  const { symtab, strtab } = symbolTable(elfClass, endian, [
    { name: "__ksymtab_my_export", bind: 0, shndx: 2 },
    { name: "__kstrtabns_my_export", bind: 0, shndx: 3, value: 0 },
    // STB_GLOBAL, or STB_WEAK for an import given as { name, weak: true }.
    ...imports.map((i) =>
      typeof i === "string" ? { name: i, bind: 1, shndx: 0 } : { name: i.name, bind: i.weak ? 2 : 1, shndx: 0 },
    ),
  ]);
  return buildElf({
    elfClass,
    endian,
    sections: [
      { name: ".modinfo", type: 1, data: Buffer.from(modinfo.map((s) => s + "\0").join(""), "latin1") },
      { name: "__ksymtab_gpl", type: 1, data: Buffer.alloc(12) },
      { name: "__ksymtab_strings", type: 1, data: Buffer.from("MY_NS\0my_export\0") },
      { name: ".symtab", type: 2, data: symtab, link: 5, info: 3, entsize: elfClass === 64 ? 24 : 16, addralign: 8 },
      { name: ".strtab", type: 3, data: strtab },
    ],
  });
}
