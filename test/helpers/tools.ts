import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";

/*
 * Expected values come from independent tools — kmod's modinfo and binutils' readelf — run over
 * the same files at test time, never from kmodaudit and never hard-coded.
 */

const run = promisify(execFile);
const MAX_BUFFER = 1 << 30;

async function inBatches<T>(
  items: readonly string[],
  size: number,
  parallel: number,
  fn: (batch: string[]) => Promise<T>,
): Promise<T[]> {
  const batches: string[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  const out: T[] = new Array(batches.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches.length) {
        const i = next++;
        out[i] = await fn(batches[i]!);
      }
    }),
  );
  return out;
}

export async function listFiles(dir: string, nameGlob: string): Promise<string[]> {
  // A trailing slash makes find follow the top directory if it is a link, and nothing below it.
  const { stdout } = await run("find", [dir + "/", "-type", "f", "-name", nameGlob], { maxBuffer: MAX_BUFFER });
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((p) => p.replace(/\/\/+/g, "/"))
    .sort();
}

export interface ModinfoFacts {
  licenses: string[];
  signer: string | null;
}

/**
 * Every `.modinfo` field modinfo prints for each file, in order, as [key, value]. One modinfo run
 * reads a whole batch (a process per file and field cost most of the corpus suites' time): with
 * -0 each module's record starts with a `filename:` line and holds one NUL-ended `key=value` per
 * field. Text a value hides after its own NUL (the NUL trick) is printed as an entry with no key,
 * which is left out, as `modinfo -F` leaves it out.
 */
async function modinfoRecords(files: readonly string[]): Promise<Map<string, [string, string][]>> {
  const outputs = await inBatches(files, 300, 2, async (batch) => ({
    batch,
    out: (await run("modinfo", ["-0", ...batch], { maxBuffer: MAX_BUFFER })).stdout,
  }));
  const map = new Map<string, [string, string][]>();
  for (const { batch, out } of outputs) {
    const records: { file: string; fields: [string, string][] }[] = [];
    for (const entry of out.split("\0")) {
      const named = /^filename:\s+(.*)$/s.exec(entry);
      if (named) records.push({ file: named[1]!, fields: [] });
      else if (/^[\w.-]+=/.test(entry))
        records.at(-1)!.fields.push([entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]);
    }
    if (records.length !== batch.length || records.some((r, i) => r.file !== batch[i]))
      throw new Error(`modinfo printed ${records.length} records for ${batch.length} files, or in another order`);
    for (const r of records) map.set(r.file, r.fields);
  }
  return map;
}

const valuesOf = (fields: readonly [string, string][], key: string) =>
  fields.filter(([k]) => k === key).map(([, v]) => v);

export interface ModinfoFacts {
  licenses: string[];
  signer: string | null;
}

/** What `modinfo -F license` and `-F signer` print for every file (modinfo reads .ko.xz itself). */
export async function modinfoFacts(files: readonly string[]): Promise<Map<string, ModinfoFacts>> {
  const records = await modinfoRecords(files);
  return new Map(
    [...records].map(([file, fields]) => [
      file,
      { licenses: valuesOf(fields, "license"), signer: valuesOf(fields, "signer")[0] ?? null },
    ]),
  );
}

export interface ReadelfSymbol {
  name: string;
  bind: string;
  ndx: string;
}

function parseReadelfSymbols(text: string): ReadelfSymbol[] {
  const out: ReadelfSymbol[] = [];
  let inSymtab = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("Symbol table ")) {
      inSymtab = line.includes("'.symtab'");
      continue;
    }
    if (!inSymtab) continue;
    const m = /^\s*\d+:\s+[0-9a-f]+\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ bind: m[1]!, ndx: m[2]!, name: m[3]! });
  }
  return out;
}

/** `readelf -sW` of every file, keyed by the file name given. Files must be uncompressed ELF. */
export async function readelfSymbols(files: readonly string[]): Promise<Map<string, ReadelfSymbol[]>> {
  const map = new Map<string, ReadelfSymbol[]>();
  await inBatches(files, 200, 2, async (batch) => {
    const { stdout } = await run("readelf", ["-sW", ...batch, ...(batch.length === 1 ? [batch[0]!] : [])], {
      maxBuffer: MAX_BUFFER,
    });
    const parts = stdout.split(/^File: (.*)$/m);
    for (let i = 1; i < parts.length; i += 2) map.set(parts[i]!, parseReadelfSymbols(parts[i + 1]!));
  });
  return map;
}

/**
 * The imports modpost and the loader see: undefined, non-local, named symbols — minus the few
 * toolchain symbols modpost's ignore_undef_symbol() never looks up.
 */
export function importsFromReadelf(
  symbols: readonly ReadelfSymbol[],
  machine: "x86" | "s390" | "other",
  onlyStrong = false,
): string[] {
  const ignored = (n: string) =>
    n === "__this_module" ||
    n === "_GLOBAL_OFFSET_TABLE_" ||
    (machine === "s390" && n.startsWith("__s390_indirect_jump_r"));
  return [
    ...new Set(
      symbols
        .filter(
          (s) =>
            s.ndx === "UND" &&
            s.bind !== "LOCAL" &&
            !(onlyStrong && s.bind === "WEAK") &&
            s.name !== "" &&
            !ignored(s.name),
        )
        .map((s) => s.name),
    ),
  ].sort();
}

/** Decompresses .ko.xz files with xz(1) into a temp dir; returns original → decompressed path. */
export async function decompressAll(files: readonly string[]): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-dec-"));
  const map = new Map<string, string>();
  files.forEach((f, i) => map.set(f, join(dir, `${i}-${basename(f).replace(/\.(xz|gz|zst)$/, "")}`)));
  const script =
    'while [ $# -gt 0 ]; do case "$1" in *.xz) xz -dc "$1";; *.gz) gzip -dc "$1";; *.zst) zstd -qdc "$1";; *) cat "$1";; esac > "$2"; shift 2; done';
  await inBatches(files, 200, 2, async (batch) => {
    await run("bash", ["-c", script, "_", ...batch.flatMap((f) => [f, map.get(f)!])], { maxBuffer: MAX_BUFFER });
  });
  return map;
}

/** Module.symvers read the simplest way (5.6+ layout): symbol → export type. */
export function symversTypes(file: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const cols = line.split("\t");
    if (cols.length >= 4) map.set(cols[1]!, cols[3]!);
  }
  return map;
}

/** What `modinfo -F FIELD` prints for every file: every value of that tag, in order. */
export async function modinfoField(files: readonly string[], field: string): Promise<Map<string, string[]>> {
  const records = await modinfoRecords(files);
  return new Map([...records].map(([file, fields]) => [file, valuesOf(fields, field)]));
}

/** kmod's `modprobe --dump-modversions`: the CRC each import expects, from __versions. */
export async function dumpModversions(files: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const script = 'for f; do printf "\\001%s\\002" "$f"; modprobe --dump-modversions "$f" 2>/dev/null; done';
  const outputs = await inBatches(
    files,
    300,
    2,
    async (batch) => (await run("bash", ["-c", script, "_", ...batch], { maxBuffer: MAX_BUFFER })).stdout,
  );
  const map = new Map<string, Map<string, number>>();
  for (const out of outputs) {
    for (const rec of out.split("\u0001").slice(1)) {
      const [file, rest] = rec.split("\u0002") as [string, string];
      const crcs = new Map<string, number>();
      for (const line of rest.split("\n")) {
        const [crc, sym] = line.split("\t");
        if (crc && sym) crcs.set(sym, Number.parseInt(crc, 16));
      }
      map.set(file, crcs);
    }
  }
  return map;
}

export interface SymversRow {
  crc: number;
  module: string;
  type: string;
  namespace: string;
}

/** Module.symvers (5.6+ layout) as symbol → row. */
export function symversRows(file: string): Map<string, SymversRow> {
  const map = new Map<string, SymversRow>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const cols = line.split("\t");
    if (cols.length >= 4)
      map.set(cols[1]!, {
        crc: Number.parseInt(cols[0]!, 16),
        module: cols[2]!,
        type: cols[3]!,
        namespace: cols[4] ?? "",
      });
  }
  return map;
}
