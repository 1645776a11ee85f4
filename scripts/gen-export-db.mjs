#!/usr/bin/env node
// Builds kmodaudit's embedded export database from a directory of Module.symvers files, adding
// them to the releases of an earlier database.
//
// Usage: node scripts/gen-export-db.mjs SYMVERS_DIR OUT_DIR [--base DIR]
//   SYMVERS_DIR holds <release>.symvers (a Module.symvers) and <release>.package
//   ("release TAB package TAB version TAB arch"), as scripts/gen-export-db.sh leaves them.
//   OUT_DIR receives export-db.bin.br (the database) and export-db.sources.tsv (what went in).
//   --base DIR starts from the releases of DIR/export-db.bin.br, with their sources lines from
//   DIR/export-db.sources.tsv (it needs the library built: npm run build). Debian's indexes list
//   only the newest ABIs, so without a base every regeneration would drop the releases they no
//   longer list, while users still run those kernels. A release in both is taken from SYMVERS_DIR.
//   SOURCE_DATE_EPOCH (seconds), when set, is the generation date written into the database;
//   otherwise the current time. Either way only its UTC day is kept.
//
// The database keeps each export's symbol, providing module (vmlinux or the module's path),
// export type and namespace, but no CRCs: CRCs change with almost every ABI and flavour, so they
// would take ~6 MB where everything else takes a few hundred KB. Releases share most exports, so
// each distinct (symbol, module, type, namespace) row is stored once and each release lists the
// rows it has.
//
// Layout after brotli decompression (all integers little-endian; varint = LEB128, unsigned):
//   "KMAEXDB1"                               magic and format version
//   u32 length, JSON header                  {format, crcs, generated, releases: [{release,
//                                             package, version, arch, exports}], symbols, rows};
//                                             generated: "YYYY-MM-DD", absent before 2026-12
//   u32 length, symbols                      UTF-8, sorted by byte order, joined by "\n"
//   u32 length, modules                      UTF-8, sorted, joined by "\n"
//   u32 length, namespaces                   UTF-8, sorted, joined by "\n"
//   u32 length, rows per symbol              one varint per symbol: how many rows it has
//   u32 length, row modules                  one varint per row: index into modules
//   u32 length, row types                    one byte per row: index into TYPES below
//   u32 length, row namespaces               one varint per row: 0 none, else index + 1
//   u32 length, membership                   per release, in header order, a bitmap of
//                                            ceil(rows / 8) bytes: bit i (byte i >> 3, bit
//                                            i & 7) set when the release has row i
// Rows are sorted by (symbol, module, type, namespace), so a symbol's rows are contiguous.
// Bitmaps rather than lists of row numbers: similar releases give long identical byte runs that
// brotli folds away, and one release is read without touching the others.
// Output depends only on the inputs (the base, the files, the date): every list is sorted, and
// brotli runs with fixed parameters.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

// The row types' order is part of the format: src/core/export-types.ts holds it (npm run build first).
import { EXPORT_TYPES as TYPES } from "../dist/core/export-types.js";
// Must match src/resolve/embedded-db.ts.
const MAGIC = "KMAEXDB1";

const args = process.argv.slice(2);
const baseAt = args.indexOf("--base");
const baseDir = baseAt < 0 ? null : args.splice(baseAt, 2)[1];
const [dir, out] = args;
if (!dir || !out || args.length !== 2 || baseDir === undefined) {
  console.error("usage: gen-export-db.mjs SYMVERS_DIR OUT_DIR [--base DIR]");
  process.exit(2);
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const epoch = process.env.SOURCE_DATE_EPOCH;
if (epoch !== undefined && !/^\d+$/.test(epoch))
  throw new Error(`SOURCE_DATE_EPOCH=${epoch}: expected seconds since 1970`);
const generated = new Date(epoch === undefined ? Date.now() : Number(epoch) * 1000).toISOString().slice(0, 10);

/** Module.symvers rows in the 5.6+ layout: CRC, symbol, module, type, [namespace]. */
function parseSymvers(text, file) {
  const rows = [];
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    const [, symbol, module, type, namespace = ""] = line.split("\t");
    if (!symbol || !module || !TYPES.includes(type))
      throw new Error(`${file} line ${i + 1}: not a 5.6+ Module.symvers row: ${line.slice(0, 120)}`);
    rows.push({ symbol, module, type: TYPES.indexOf(type), namespace });
  });
  return rows;
}

/** The sources list's data lines by release: [release, package, version, arch, exports, sha256]. */
function readSources(file) {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
  return new Map(lines.map((l) => l.split("\t")).map((f) => [f[0], f]));
}

/** Every release of an earlier database, its rows decoded by the library's own reader. */
async function baseReleases(base) {
  const { decodeExportDatabase, embeddedTable } = await import("../dist/resolve/embedded-db.js").catch((e) => {
    throw new Error(`--base needs the library built (npm run build): ${e.message}`);
  });
  const db = decodeExportDatabase(readFileSync(join(base, "export-db.bin.br")));
  const sources = readSources(join(base, "export-db.sources.tsv"));
  return db.releases.map((r) => {
    const line = sources.get(r.release);
    if (
      !line ||
      line[1] !== r.package ||
      line[2] !== r.version ||
      line[3] !== r.arch ||
      Number(line[4]) !== r.exports
    ) {
      throw new Error(`${base}: export-db.sources.tsv does not list ${r.release} as the database has it`);
    }
    const rows = embeddedTable(db, r.release).exports.map((e) => ({
      symbol: e.symbol,
      module: e.module,
      type: TYPES.indexOf(e.type),
      namespace: e.namespace ?? "",
    }));
    return { release: r.release, package: r.package, version: r.version, arch: r.arch, sha256: line[5], rows };
  });
}

const fetched = readdirSync(dir)
  .filter((f) => f.endsWith(".symvers"))
  .map((f) => f.slice(0, -".symvers".length))
  .map((release) => {
    const [rel, pkg, version, arch] = readFileSync(join(dir, `${release}.package`), "utf8")
      .trim()
      .split("\t");
    if (rel !== release || !pkg || !version || !arch)
      throw new Error(`${release}.package: expected "release TAB package TAB version TAB arch"`);
    const bytes = readFileSync(join(dir, `${release}.symvers`));
    return {
      release,
      package: pkg,
      version,
      arch,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      rows: parseSymvers(bytes.toString("utf8"), `${release}.symvers`),
    };
  });
const base = baseDir === null ? [] : await baseReleases(baseDir);
const fetchedNames = new Set(fetched.map((r) => r.release));
const kept = base.filter((r) => !fetchedNames.has(r.release));
const added = fetched.filter((r) => !base.some((b) => b.release === r.release));
const releases = [...fetched, ...kept].sort((a, b) => cmp(a.release, b.release));
if (releases.length === 0)
  throw new Error(`no *.symvers in ${dir}${baseDir === null ? "" : `, and no releases in ${baseDir}`}`);

const keyOf = (r) => `${r.symbol}\t${r.module}\t${r.type}\t${r.namespace}`;
// Debian keeps a package's exports stable within its ABI: a release fetched again that exports
// otherwise than the base says is worth a look (it is taken as fetched).
const rowKeys = (rel) => rel.rows.map(keyOf).sort().join("\n");
const changed = fetched.filter((r) => {
  const was = base.find((b) => b.release === r.release);
  return was !== undefined && rowKeys(was) !== rowKeys(r);
});
if (changed.length > 0)
  console.warn(
    `export-db: fetched again with other exports than the base had: ${changed.map((r) => r.release).join(" ")}`,
  );
const distinct = new Map();
for (const rel of releases) for (const r of rel.rows) if (!distinct.has(keyOf(r))) distinct.set(keyOf(r), r);
const rows = [...distinct.values()].sort(
  (a, b) => cmp(a.symbol, b.symbol) || cmp(a.module, b.module) || a.type - b.type || cmp(a.namespace, b.namespace),
);
const rowIndex = new Map(rows.map((r, i) => [keyOf(r), i]));
const symbols = [...new Set(rows.map((r) => r.symbol))];
const modules = [...new Set(rows.map((r) => r.module))].sort(cmp);
const namespaces = [...new Set(rows.map((r) => r.namespace).filter((n) => n !== ""))].sort(cmp);
const moduleIndex = new Map(modules.map((m, i) => [m, i]));
const nsIndex = new Map(namespaces.map((n, i) => [n, i + 1]));

function varints(values) {
  const out = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  }
  return Buffer.from(out);
}

const perSymbol = [];
for (let i = 0; i < rows.length; ) {
  let j = i;
  while (j < rows.length && rows[j].symbol === rows[i].symbol) j++;
  perSymbol.push(j - i);
  i = j;
}

const membership = [];
const header = { format: 1, crcs: false, generated, symbols: symbols.length, rows: rows.length, releases: [] };
for (const rel of releases) {
  const list = [...new Set(rel.rows.map((r) => rowIndex.get(keyOf(r))))].sort((a, b) => a - b);
  // A release naming one symbol twice (a duplicate row) would make "first wins" ambiguous.
  const seen = new Set();
  for (const i of list) {
    if (seen.has(rows[i].symbol)) throw new Error(`${rel.release}: ${rows[i].symbol} exported twice`);
    seen.add(rows[i].symbol);
  }
  const bits = Buffer.alloc(Math.ceil(rows.length / 8));
  for (const i of list) bits[i >> 3] |= 1 << (i & 7);
  membership.push(bits);
  header.releases.push({
    release: rel.release,
    package: rel.package,
    version: rel.version,
    arch: rel.arch,
    exports: list.length,
  });
}

const section = (buf) => {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(buf.length);
  return [len, buf];
};
const raw = Buffer.concat([
  Buffer.from(MAGIC, "latin1"),
  ...section(Buffer.from(JSON.stringify(header), "utf8")),
  ...section(Buffer.from(symbols.join("\n"), "utf8")),
  ...section(Buffer.from(modules.join("\n"), "utf8")),
  ...section(Buffer.from(namespaces.join("\n"), "utf8")),
  ...section(varints(perSymbol)),
  ...section(varints(rows.map((r) => moduleIndex.get(r.module)))),
  ...section(Buffer.from(rows.map((r) => r.type))),
  ...section(varints(rows.map((r) => (r.namespace === "" ? 0 : nsIndex.get(r.namespace))))),
  ...section(Buffer.concat(membership)),
]);
const packed = brotliCompressSync(raw, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_LGWIN]: 24,
    [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
  },
});
writeFileSync(join(out, "export-db.bin.br"), packed);
const sources = releases.map((r) => [r.release, r.package, r.version, r.arch, r.rows.length, r.sha256].join("\t"));
writeFileSync(
  join(out, "export-db.sources.tsv"),
  [
    `# kmodaudit embedded export database, generated ${generated}`,
    "# release\tpackage\tversion\tarch\texports\tsha256 of Module.symvers",
    ...sources,
  ].join("\n") + "\n",
);
console.log(
  `export-db: ${releases.length} releases (${added.length} added, ${fetched.length - added.length} fetched again, ${kept.length} kept from the base), generated ${generated}`,
);
if (added.length > 0) console.log(`  added: ${added.map((r) => r.release).join(" ")}`);
console.log(
  `  ${symbols.length} symbols, ${rows.length} rows, ${modules.length} modules, ${namespaces.length} namespaces; ${raw.length} bytes raw, ${packed.length} bytes brotli`,
);
