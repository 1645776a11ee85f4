#!/usr/bin/env node
// A lower bound, not a product: the least JavaScript that reads the facts an audit needs from a
// tree of plain ELF64 little-endian modules (Debian's amd64 tree) and resolves them. It reads the
// same byte ranges kmodaudit reads (whole files under 64 KB; otherwise the header, the end of the
// file and the symbol, string, .modinfo and __versions sections), decodes the same symbols
// (imports and __ksymtab_ labels), and answers the audit's main question: which non-GPL modules
// import GPL-only exports. It checks nothing, shares nothing, skips signatures, namespaces and CRCs
// of exports, and has no rules or reports: what it costs is what a JavaScript reader cannot avoid
// on this machine, Node's start-up included. bench/run.mjs prints kmodaudit's time against it.
//
// With --threads N, N-1 worker threads each read an equal share of the files beside the main
// thread and send their facts to it by structured clone: the least a parallel reader pays.
//
//   node bench/js-floor.mjs [--threads N] Module.symvers DIR
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const GPL_COMPATIBLE = new Set([
  "GPL",
  "GPL v2",
  "GPL and additional rights",
  "Dual BSD/GPL",
  "Dual MIT/GPL",
  "Dual MPL/GPL",
]);

let buf = Buffer.allocUnsafeSlow(1 << 20);
function fill(fd, at, length) {
  for (let got = 0; got < length; ) {
    const n = readSync(fd, buf, at + got, length - got, at + got);
    if (n === 0) return;
    got += n;
  }
}
const nameIs = (at, name) => buf.toString("latin1", at, at + name.length + 1) === `${name}\0`;

function readModule(file) {
  const fd = openSync(file, "r");
  const size = fstatSync(fd).size;
  if (size > buf.length) buf = Buffer.allocUnsafeSlow(2 * size);
  const ranged = size >= 64 << 10;
  if (!ranged) fill(fd, 0, size);
  else {
    fill(fd, 0, 64);
    fill(fd, size - (16 << 10), 16 << 10);
  }
  const shoff = Number(buf.readBigUInt64LE(40));
  const shnum = buf.readUInt16LE(60);
  if (ranged && shoff < size - (16 << 10)) fill(fd, shoff, shnum * 64);
  const field = (i, at) => Number(buf.readBigUInt64LE(shoff + i * 64 + at));
  const shstr = field(buf.readUInt16LE(62), 24);
  let symtab = -1,
    modinfo = -1,
    versions = -1,
    gplLabels = -1;
  for (let i = 0; i < shnum; i++) {
    const name = shstr + buf.readUInt32LE(shoff + i * 64);
    if (buf.readUInt32LE(shoff + i * 64 + 4) === 2) symtab = i;
    else if (nameIs(name, ".modinfo")) modinfo = i;
    else if (nameIs(name, "__versions")) versions = i;
    else if (nameIs(name, "__ksymtab_gpl")) gplLabels = i;
  }
  const strtab = symtab < 0 ? -1 : buf.readUInt32LE(shoff + symtab * 64 + 40);
  if (ranged) for (const i of [symtab, strtab, modinfo, versions]) if (i >= 0) fill(fd, field(i, 24), field(i, 32));
  closeSync(fd);

  const m = { license: [], imports: [], exports: new Map(), versions: [] };
  if (symtab >= 0) {
    const at = field(symtab, 24),
      count = field(symtab, 32) / 24,
      strings = field(strtab, 24);
    for (let i = 1; i < count; i++) {
      const e = at + i * 24,
        name = strings + buf.readUInt32LE(e),
        shndx = buf.readUInt16LE(e + 6);
      if (shndx === 0) {
        if (name > strings) m.imports.push(buf.toString("latin1", name, buf.indexOf(0, name)));
      } else if (
        buf[name] === 0x5f &&
        buf[name + 2] === 0x6b &&
        buf.toString("latin1", name, name + 10) === "__ksymtab_"
      ) {
        m.exports.set(buf.toString("latin1", name + 10, buf.indexOf(0, name)), shndx === gplLabels);
      }
    }
  }
  if (modinfo >= 0) {
    for (const tag of buf.toString("utf8", field(modinfo, 24), field(modinfo, 24) + field(modinfo, 32)).split("\0"))
      if (tag.startsWith("license=")) m.license.push(tag.slice(8));
  }
  if (versions >= 0) {
    for (let e = field(versions, 24), end = e + field(versions, 32); e < end; e += 64)
      m.versions.push(buf.readUInt32LE(e), buf.toString("latin1", e + 8, buf.indexOf(0, e + 8)));
  }
  return m;
}

if (!isMainThread) {
  parentPort.postMessage(workerData.map(readModule));
} else {
  const args = process.argv.slice(2);
  const threads = args[0] === "--threads" ? Number(args.splice(0, 2)[1]) : 1;
  const [symversPath, dir] = args;
  const files = [];
  (function walk(d) {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${d}/${e.name}`);
      else if (e.isFile() && e.name.endsWith(".ko")) files.push(`${d}/${e.name}`);
    }
  })(dir);

  const kernel = new Map(); // symbol → export type, from Module.symvers
  for (const line of readFileSync(symversPath, "latin1").split("\n")) {
    const f = line.split("\t");
    if (f.length >= 4) kernel.set(f[1], f[3]);
  }

  const share = (t) => files.filter((_, i) => i % threads === t);
  const workers = Array.from(
    { length: threads - 1 },
    (_, t) =>
      new Promise((done, fail) =>
        new Worker(new URL(import.meta.url), { workerData: share(t + 1) }).once("message", done).once("error", fail),
      ),
  );
  const modules = share(0).map(readModule);
  for (const w of workers) modules.push(...(await w));

  const fromModules = new Map();
  for (const m of modules)
    for (const [symbol, gplOnly] of m.exports) if (!fromModules.has(symbol)) fromModules.set(symbol, gplOnly);
  let offenders = 0,
    unresolved = 0;
  for (const m of modules) {
    const gpl = m.license.length > 0 && m.license.every((l) => GPL_COMPATIBLE.has(l));
    let uses = 0;
    for (const s of m.imports) {
      const type = kernel.get(s);
      const gplOnly = type === undefined ? fromModules.get(s) : type.endsWith("_GPL");
      if (gplOnly === undefined) unresolved++;
      else if (gplOnly && !gpl) uses++;
    }
    if (uses > 0) offenders++;
  }
  console.log(
    `${modules.length} modules, ${unresolved} unresolved imports, ${offenders} non-GPL modules importing GPL-only exports`,
  );
}
