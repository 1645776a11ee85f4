import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, brotliDecompressSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chooseRelease,
  decodeExportDatabase,
  embeddedTable,
  FormatError,
  loadExportDatabase,
  parseRelease,
  scan,
  type EmbeddedRelease,
  type ExportDatabase,
} from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { keepReleases } from "../helpers/export-db.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SAMPLES = join(ROOT, "samples");
const GENERATOR = join(ROOT, "scripts", "gen-export-db.mjs");
/** The kernel the samples were built for, as their vermagic names it (6.1.0-56-amd64). */
const SAMPLE_RELEASE = /vermagic=(\S+) /.exec(readFileSync(join(SAMPLES, "proprietary_gpl_use.ko"), "latin1"))![1]!;

/** The last second of 2026-12-04, UTC: the generator keeps its UTC day. */
const EPOCH = "1796428799";

/**
 * Runs the real generator on Module.symvers texts, optionally on top of an earlier output directory
 * (--base); returns the database bytes, the sources list and the directory they were written to.
 */
function generate(
  tables: Record<string, { symvers: string; arch: string; version?: string }>,
  base?: string,
): { db: Buffer; sources: string; dir: string } {
  const work = mkdtempSync(join(tmpdir(), "kmodaudit-exportdb-"));
  mkdirSync(join(work, "in"));
  for (const [release, { symvers, arch, version = "1.0-1" }] of Object.entries(tables)) {
    writeFileSync(join(work, "in", `${release}.symvers`), symvers);
    writeFileSync(
      join(work, "in", `${release}.package`),
      `${release}\tlinux-headers-${release}\t${version}\t${arch}\n`,
    );
  }
  // stderr piped: a refused input's message then travels in the thrown error, not onto the console.
  execFileSync(process.execPath, [GENERATOR, join(work, "in"), work, ...(base ? ["--base", base] : [])], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH },
  });
  return {
    db: readFileSync(join(work, "export-db.bin.br")),
    sources: readFileSync(join(work, "export-db.sources.tsv"), "utf8"),
    dir: work,
  };
}

/** The sources list's data lines (comments left out). */
const sourceLines = (sources: string) => sources.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

/** A database whose decompressed bytes are `raw` with its JSON header edited. */
function withHeader(raw: Buffer, edit: (header: Record<string, unknown>) => void): Buffer {
  const length = raw.readUInt32LE(8);
  const header = JSON.parse(raw.toString("utf8", 12, 12 + length)) as Record<string, unknown>;
  edit(header);
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(json.length);
  return brotliCompressSync(Buffer.concat([raw.subarray(0, 8), prefix, json, raw.subarray(12 + length)]));
}

const OLD =
  "0x11111111\tkmalloc\tvmlinux\tEXPORT_SYMBOL\t\n0x22222222\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\t\n0x33333333\tdma_buf_get\tdrivers/dma-buf/dma-buf\tEXPORT_SYMBOL_GPL\tDMA_BUF\n";
const NEW =
  "0x11111111\tkmalloc\tvmlinux\tEXPORT_SYMBOL\t\n0x44444444\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\t\n0x55555555\tdma_buf_get\tvmlinux\tEXPORT_SYMBOL_GPL\tDMA_BUF\n0x66666666\tnew_helper\tvmlinux\tEXPORT_SYMBOL\t\n";

describe("the generator (scripts/gen-export-db.mjs)", () => {
  it("keeps every export's symbol, module, type and namespace per release, and no CRCs", () => {
    const { db } = generate({
      "6.1.0-1-amd64": { symvers: OLD, arch: "amd64" },
      "6.1.0-2-amd64": { symvers: NEW, arch: "amd64" },
    });
    const decoded = decodeExportDatabase(db);
    expect(decoded.crcs).toBe(false);
    expect(decoded.releases).toEqual([
      { release: "6.1.0-1-amd64", package: "linux-headers-6.1.0-1-amd64", version: "1.0-1", arch: "amd64", exports: 3 },
      { release: "6.1.0-2-amd64", package: "linux-headers-6.1.0-2-amd64", version: "1.0-1", arch: "amd64", exports: 4 },
    ]);
    const old = embeddedTable(decoded, "6.1.0-1-amd64");
    expect(old.hasExportTypes).toBe(true);
    expect(old.exports).toEqual([
      {
        symbol: "debugfs_create_dir",
        crc: null,
        module: "vmlinux",
        type: "EXPORT_SYMBOL_GPL",
        gplOnly: true,
        namespace: null,
      },
      {
        symbol: "dma_buf_get",
        crc: null,
        module: "drivers/dma-buf/dma-buf",
        type: "EXPORT_SYMBOL_GPL",
        gplOnly: true,
        namespace: "DMA_BUF",
      },
      { symbol: "kmalloc", crc: null, module: "vmlinux", type: "EXPORT_SYMBOL", gplOnly: false, namespace: null },
    ]);
    // The provider moved into vmlinux: each release keeps its own row.
    expect(embeddedTable(decoded, "6.1.0-2-amd64").exports.map((e) => [e.symbol, e.module])).toEqual([
      ["debugfs_create_dir", "vmlinux"],
      ["dma_buf_get", "vmlinux"],
      ["kmalloc", "vmlinux"],
      ["new_helper", "vmlinux"],
    ]);
  });

  it("writes the same bytes for the same inputs, and lists what went in", () => {
    const input = {
      "6.1.0-2-amd64": { symvers: NEW, arch: "amd64" },
      "6.1.0-1-amd64": { symvers: OLD, arch: "amd64" },
    };
    const a = generate(input);
    const b = generate(input);
    expect(a.db.equals(b.db)).toBe(true);
    expect(a.sources).toBe(b.sources);
    expect(sourceLines(a.sources)[0]).toMatch(
      /^6\.1\.0-1-amd64\tlinux-headers-6\.1\.0-1-amd64\t1\.0-1\tamd64\t3\t[0-9a-f]{64}$/,
    );
  });

  it("dates itself: SOURCE_DATE_EPOCH's UTC day, in the header and atop the sources list", () => {
    const { db, sources } = generate({ "6.1.0-1-amd64": { symvers: OLD, arch: "amd64" } });
    expect(decodeExportDatabase(db).generated).toBe("2026-12-04");
    expect(sources.split("\n")[0]).toBe("# kmodaudit embedded export database, generated 2026-12-04");
  });

  it("adds to a base: keeps the releases the inputs lack as they were, and takes the others from the inputs", () => {
    const first = generate({
      "6.1.0-1-amd64": { symvers: OLD, arch: "amd64" },
      "6.1.0-2-amd64": { symvers: OLD, arch: "amd64" },
    });
    const next = generate(
      {
        "6.1.0-2-amd64": { symvers: NEW, arch: "amd64", version: "1.0-2" },
        "6.1.0-3-amd64": { symvers: NEW, arch: "amd64" },
      },
      first.dir,
    );
    const before = decodeExportDatabase(first.db);
    const after = decodeExportDatabase(next.db);
    expect(after.releases.map((r) => [r.release, r.version, r.exports])).toEqual([
      ["6.1.0-1-amd64", "1.0-1", 3],
      ["6.1.0-2-amd64", "1.0-2", 4],
      ["6.1.0-3-amd64", "1.0-1", 4],
    ]);
    expect(embeddedTable(after, "6.1.0-1-amd64")).toEqual(embeddedTable(before, "6.1.0-1-amd64"));
    expect(sourceLines(next.sources)[0]).toBe(sourceLines(first.sources)[0]);
    expect(embeddedTable(after, "6.1.0-2-amd64").exports.map((e) => e.symbol)).toContain("new_helper");
  });

  it("regenerated from its own output with nothing new, writes the same bytes", () => {
    const first = generate({
      "6.1.0-1-amd64": { symvers: OLD, arch: "amd64" },
      "6.1.0-2-amd64": { symvers: NEW, arch: "amd64" },
    });
    const again = generate({}, first.dir);
    expect(again.db.equals(first.db)).toBe(true);
    expect(again.sources).toBe(first.sources);
  });

  it("refuses a base whose sources list does not match it", () => {
    const first = generate({ "6.1.0-1-amd64": { symvers: OLD, arch: "amd64" } });
    writeFileSync(join(first.dir, "export-db.sources.tsv"), first.sources.replace("\t3\t", "\t4\t"));
    expect(() => generate({}, first.dir)).toThrow(/does not list 6\.1\.0-1-amd64 as the database has it/);
  });

  it("refuses a Module.symvers without export types instead of storing guesses", () => {
    expect(() => generate({ "2.6.9-1-686": { symvers: "0x1\tprintk\tvmlinux\n", arch: "i386" } })).toThrow(
      /not a 5\.6\+ Module\.symvers row/,
    );
  });
});

describe("a damaged database is a FormatError, not a crash", () => {
  const { db } = generate({ "6.1.0-1-amd64": { symvers: OLD, arch: "amd64" } });
  const raw = brotliDecompressSync(db);
  const cases: [string, Buffer][] = [
    ["not brotli", Buffer.from("hello")],
    ["wrong magic", brotliCompressSync(Buffer.concat([Buffer.from("NOTADB01"), raw.subarray(8)]))],
    ["truncated", brotliCompressSync(raw.subarray(0, raw.length - 3))],
    ["empty", brotliCompressSync(Buffer.alloc(0))],
    ["bytes after the last section", brotliCompressSync(Buffer.concat([raw, Buffer.from("x")]))],
    [
      "a header that is not JSON",
      brotliCompressSync(Buffer.concat([raw.subarray(0, 12), Buffer.from("x"), raw.subarray(13)])),
    ],
    ["a generation date that is not a date", withHeader(raw, (h) => (h.generated = "yesterday"))],
  ];
  for (const [name, bytes] of cases) {
    it(name, () => {
      expect(() => embeddedTable(decodeExportDatabase(bytes), "6.1.0-1-amd64")).toThrow(FormatError);
    });
  }

  it("a database made before the generation date was recorded still reads, its date unknown", () => {
    const older = decodeExportDatabase(withHeader(raw, (h) => delete h.generated));
    expect(older.generated).toBeNull();
    expect(embeddedTable(older, "6.1.0-1-amd64").exports).toHaveLength(3);
  });

  it("a release the database does not have", () => {
    expect(() => embeddedTable(decodeExportDatabase(db), "6.1.0-9-amd64")).toThrow(/no release 6\.1\.0-9-amd64/);
  });
});

describe("the shipped database (data/export-db.bin.br)", () => {
  let db: ExportDatabase;
  beforeAll(async () => {
    db = await loadExportDatabase();
  });

  it("stays small enough to ship", () => {
    expect(statSync(join(ROOT, "data", "export-db.bin.br")).size).toBeLessThan(1 << 20);
  });

  it("carries no CRCs, and says so", () => {
    expect(db.crcs).toBe(false);
  });

  it("has the samples' kernel and Debian's 6.1 and 6.12 amd64, i386, arm64 and s390x builds", () => {
    const releases = db.releases.map((r) => r.release);
    expect(releases).toContain(SAMPLE_RELEASE);
    for (const flavour of ["amd64", "cloud-amd64", "rt-amd64", "686-pae", "arm64", "s390x"]) {
      expect(releases.some((r) => r.startsWith("6.1.0-") && r.endsWith(`-${flavour}`))).toBe(true);
    }
    expect(releases.some((r) => /^6\.12\.\d+\+deb12-amd64$/.test(r))).toBe(true);
    expect(releases.some((r) => /^6\.12\.\d+\+deb13-arm64$/.test(r))).toBe(true);
  });

  it("decodes every release to as many exports as its header says, one row per symbol", () => {
    for (const r of db.releases) {
      const t = embeddedTable(db, r.release);
      expect(t.exports.length).toBe(r.exports);
      expect(new Set(t.exports.map((e) => e.symbol)).size).toBe(r.exports);
    }
  });

  it("says the day it was generated, as its sources list does", () => {
    expect(db.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(readFileSync(join(ROOT, "data", "export-db.sources.tsv"), "utf8").split("\n")[0]).toBe(
      `# kmodaudit embedded export database, generated ${db.generated}`,
    );
  });

  it("matches its sources list (data/export-db.sources.tsv)", () => {
    const rows = readFileSync(join(ROOT, "data", "export-db.sources.tsv"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split("\t"));
    expect(
      rows.map(([release, pkg, version, arch, exports]) => ({
        release,
        package: pkg,
        version,
        arch,
        exports: Number(exports),
      })),
    ).toEqual(db.releases);
  });

  it("is shipped in the npm package", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain("data/export-db.bin.br");
  });
});

describe("choosing a release for a vermagic", () => {
  const rel = (release: string, arch: string): EmbeddedRelease => ({
    release,
    package: `linux-headers-${release}`,
    version: "1",
    arch,
    exports: 1,
  });
  const releases = [
    rel("6.1.0-47-amd64", "amd64"),
    rel("6.1.0-50-amd64", "amd64"),
    rel("6.1.0-56-amd64", "amd64"),
    rel("6.1.0-56-cloud-amd64", "amd64"),
    rel("6.1.0-50-rt-amd64", "amd64"),
    rel("6.1.0-50-686-pae", "i386"),
    rel("6.12.113+deb12-amd64", "amd64"),
    rel("6.12.117+deb12-amd64", "amd64"),
    rel("6.12.115+deb13-amd64", "amd64"),
    rel("6.12.115+deb13.1-amd64", "amd64"),
  ];
  const choose = (wanted: string) => chooseRelease(releases, wanted);

  it("parses both of Debian's release forms", () => {
    expect(parseRelease("6.1.0-56-686-pae")).toEqual({ series: "6.1.0-abi", position: 56000, flavour: "686-pae" });
    expect(parseRelease("6.12.115+deb13.1-rt-arm64")).toEqual({
      series: "6.12+deb13",
      position: 115001,
      flavour: "rt-arm64",
    });
    expect(parseRelease("5.14.0-427.el9.x86_64")).toBeNull();
  });

  it("takes the exact release first", () => {
    expect(choose("6.1.0-56-amd64")).toEqual({ release: "6.1.0-56-amd64", wanted: "6.1.0-56-amd64", exact: true });
    expect(choose("6.12.115+deb13.1-amd64")?.release).toBe("6.12.115+deb13.1-amd64");
  });

  it("else the nearest of its series, same flavour", () => {
    expect(choose("6.1.0-57-amd64")).toEqual({ release: "6.1.0-56-amd64", wanted: "6.1.0-57-amd64", exact: false });
    expect(choose("6.1.0-48-amd64")?.release).toBe("6.1.0-47-amd64");
    expect(choose("6.1.0-57-rt-amd64")?.release).toBe("6.1.0-50-rt-amd64");
    expect(choose("6.1.0-53-686-pae")?.release).toBe("6.1.0-50-686-pae");
    expect(choose("6.12.120+deb12-amd64")?.release).toBe("6.12.117+deb12-amd64");
    expect(choose("6.12.116+deb13-amd64")?.release).toBe("6.12.115+deb13.1-amd64");
  });

  it("breaks a tie towards the newer release", () => {
    expect(choose("6.12.115+deb12-amd64")?.release).toBe("6.12.117+deb12-amd64");
  });

  it("falls back to another flavour of the same architecture only when the series lacks the flavour", () => {
    expect(choose("6.1.0-56-rt-amd64")?.release).toBe("6.1.0-50-rt-amd64");
    expect(choose("6.12.117+deb12-cloud-amd64")?.release).toBe("6.12.117+deb12-amd64");
  });

  it("never crosses series or architectures", () => {
    expect(choose("6.12.117+deb14-amd64")).toBeNull();
    expect(choose("6.2.0-1-amd64")).toBeNull();
    expect(choose("5.10.0-30-amd64")).toBeNull();
    expect(choose("6.12.117+deb12-686-pae")).toBeNull();
    expect(choose("6.1.0-56-arm64")).toBeNull();
    expect(choose("6.8.0-45-generic")).toBeNull();
  });
});

describe("scanning with no kernel table", () => {
  /*
   * Which releases the shipped database holds changes with each regeneration, so the releases
   * these tests ask for are derived from it and from the samples' own kernel.
   */
  const amd64 = (abi: number) => `6.1.0-${abi}-amd64`;
  const abiOf = (release: string) => {
    const m = /^6\.1\.0-(\d+)-amd64$/.exec(release);
    return m ? Number(m[1]) : null;
  };
  /** The ABI numbers of a database's 6.1.0-<abi>-amd64 builds, ascending. */
  const abis = (d: ExportDatabase) => d.releases.flatMap((r) => abiOf(r.release) ?? []).sort((a, b) => a - b);
  const sampleAbi = abiOf(SAMPLE_RELEASE)!;
  let db: ExportDatabase;
  /** The release after the newest 6.1 amd64 build the database has: a kernel newer than it. */
  let beyond: string;
  let newest: string;
  /** The database up to the samples' kernel, the newest 6.1 amd64 build it then has. */
  let upToSamples: ExportDatabase;
  /** The oldest 6.1 amd64 build, and the ABI after the samples' one, which upToSamples lacks. */
  let older: string;
  const missing = amd64(sampleAbi + 1);
  let mixed: string;
  /** A copy of a sample module claiming another release: vermagic is rewritten in place (same length). */
  const copyAs = (sample: string, release: string, to: string) => {
    const bytes = readFileSync(join(SAMPLES, sample));
    const at = bytes.indexOf(`vermagic=${SAMPLE_RELEASE} `);
    expect(at).toBeGreaterThan(0);
    expect(release.length).toBe(SAMPLE_RELEASE.length);
    bytes.write(release, at + "vermagic=".length, "latin1");
    writeFileSync(to, bytes);
  };

  beforeAll(async () => {
    db = await loadExportDatabase();
    newest = amd64(abis(db).at(-1)!);
    beyond = amd64(abis(db).at(-1)! + 1);
    upToSamples = keepReleases(db, (r) => (abiOf(r.release) ?? 0) <= sampleAbi);
    older = amd64(abis(upToSamples)[0]!);
    expect(older).not.toBe(SAMPLE_RELEASE);
    mixed = mkdtempSync(join(tmpdir(), "kmodaudit-embedded-"));
    copyFileSync(join(SAMPLES, "proprietary_gpl_use.ko"), join(mixed, "a_own.ko"));
    copyFileSync(join(SAMPLES, "gpl_clean.ko"), join(mixed, "b_own.ko"));
    copyAs("proprietary_gpl_use.ko", older, join(mixed, "c_older.ko"));
    copyAs("proprietary_gpl_use.ko", missing, join(mixed, "d_missing.ko"));
    copyAs("proprietary_gpl_use.ko", "9.9.9-99-amd64", join(mixed, "e_unknown.ko"));
    copyFileSync(join(SAMPLES, "vendor_blob.o_binary"), join(mixed, "f_blob.o_binary"));
  });

  const gplOnly = (m: { imports: { symbol: string; provider: { gplOnly: boolean } | null }[] }) =>
    m.imports
      .filter((i) => i.provider?.gplOnly)
      .map((i) => i.symbol)
      .sort();

  it("judges a module by the embedded table of its vermagic's release, and names it", async () => {
    const r = await scan([join(SAMPLES, "proprietary_gpl_use.ko")], { exportDatabase: db, threads: 1 });
    expect(r.kernel.sources[0]).toEqual({
      kind: "embedded",
      file: `${SAMPLE_RELEASE} (kmodaudit embedded export database)`,
      origin: "detected",
    });
    expect(r.kernel).toMatchObject({ gplOnlyKnown: true, release: null });
    const m = r.modules[0]!;
    expect(m.findings.map((f) => f.rule)).toEqual(["gpl-only-symbol-use"]);
    expect(m.findings[0]!.symbols).toEqual(["debugfs_create_dir", "debugfs_create_u32", "debugfs_remove"]);
  });

  it("gives the samples the same verdicts as their own Module.symvers", async () => {
    const withTable = await scan([SAMPLES], { threads: 1, hash: false });
    const embedded = await scan([SAMPLES], { detectTables: false, exportDatabase: db, threads: 1, hash: false });
    expect(withTable.kernel.sources[0]?.kind).toBe("symvers");
    expect(embedded.kernel.sources[0]?.kind).toBe("embedded");
    const view = (r: typeof embedded) =>
      r.modules.map((m) => ({
        path: m.path,
        kind: m.kind,
        gplOnly: gplOnly(m),
        unresolved: m.unresolved,
        findings: m.findings,
      }));
    expect(view(embedded)).toEqual(view(withTable));
  });

  it("is not used with --no-embedded, nor when a table is named, even one that fails to load", async () => {
    const off = await scan([join(SAMPLES, "proprietary_gpl_use.ko")], { embedded: false, threads: 1 });
    expect(off.kernel.gplOnlyKnown).toBe(false);
    expect(off.modules[0]!.findings).toEqual([]);
    const named = await scan([join(SAMPLES, "proprietary_gpl_use.ko")], {
      symvers: [join(mixed, "missing.symvers")],
      exportDatabase: db,
      threads: 1,
    });
    expect(named.errors.map((e) => e.path)).toEqual([join(mixed, "missing.symvers")]);
    expect(named.kernel.sources.filter((s) => s.kind === "embedded")).toEqual([]);
  });

  it("stands in the nearest release of the series for one it lacks, and says so", async () => {
    const newer = join(mkdtempSync(join(tmpdir(), "kmodaudit-embedded-")), "newer.ko");
    copyAs("proprietary_gpl_use.ko", beyond, newer);
    const r = await scan([newer], { exportDatabase: db, threads: 1 });
    expect(r.kernel.sources[0]!.file).toBe(`${newest} (kmodaudit embedded export database, nearest to ${beyond})`);
    // The module's own release is no mismatch: the target kernel is unknown, not the stand-in.
    expect(r.modules[0]!.findings.map((f) => f.rule)).toEqual(["gpl-only-symbol-use"]);
  });

  it("with --kernel-release, uses that release for every object and checks vermagic against it", async () => {
    const r = await scan([join(SAMPLES, "proprietary_gpl_use.ko")], {
      kernelRelease: beyond,
      exportDatabase: db,
      threads: 1,
    });
    expect(r.kernel.sources[0]!.file).toBe(`${newest} (kmodaudit embedded export database, nearest to ${beyond})`);
    expect(r.kernel.release).toBe(beyond);
    expect(r.modules[0]!.findings.map((f) => f.rule).sort()).toEqual(["gpl-only-symbol-use", "vermagic-mismatch"]);
  });

  it("makes each release a kernel of its own, judged against the embedded table that stands in for it", async () => {
    const r = await scan([mixed], { exportDatabase: upToSamples, threads: 1 });
    const embeddedOf = (release: string) =>
      r.kernels
        .find((k) => k.release === release)!
        .sources.filter((s) => s.kind === "embedded")
        .map((s) => s.file);
    expect(embeddedOf(SAMPLE_RELEASE)).toEqual([`${SAMPLE_RELEASE} (kmodaudit embedded export database)`]);
    expect(embeddedOf(missing)).toEqual([
      `${SAMPLE_RELEASE} (kmodaudit embedded export database, nearest to ${missing})`,
    ]);
    expect(embeddedOf(older)).toEqual([`${older} (kmodaudit embedded export database)`]);
    expect(embeddedOf("9.9.9-99-amd64")).toEqual([]);
    const mod = (name: string) => r.modules.find((m) => m.path === name)!;
    for (const p of ["a_own.ko", "c_older.ko", "d_missing.ko"]) {
      expect(gplOnly(mod(p))).toEqual(["debugfs_create_dir", "debugfs_create_u32", "debugfs_remove"]);
    }
    // A release no table stands in for: judged as with no table at all.
    expect(gplOnly(mod("e_unknown.ko"))).toEqual([]);
    expect(mod("e_unknown.ko").findings).toEqual([]);
    // The blob names no release: it joins the kernel most modules of its directory belong to (the samples').
    expect(mod("f_blob.o_binary").kind).toBe("blob");
    expect(mod("f_blob.o_binary").findings.map((f) => f.rule)).toEqual(["blob-uses-gpl-only"]);
    expect(r.modules.map((m) => m.path)).toEqual([
      "a_own.ko",
      "b_own.ko",
      "c_older.ko",
      "d_missing.ko",
      "e_unknown.ko",
      "f_blob.o_binary",
    ]);
    expect(r.graph.dependencies("a_own.ko")).toEqual([]);
  });
});

describe("the CLI", () => {
  const module = join(SAMPLES, "proprietary_gpl_use.ko");

  it("names the embedded table in the kernel line and says CRCs were not checked", () => {
    // Wide enough that the kernel line is one line: this is about what it says, not its wrapping.
    const r = runCli(["scan", module], { COLUMNS: "1000" });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`Kernel export table: ${SAMPLE_RELEASE} (kmodaudit embedded export database) — `);
    expect(r.stdout).toContain("Symbol versions (CRCs) were not checked");
  });

  it("--no-embedded turns it off: with no table the module's kernel imports cannot be judged, and the audit says so (exit 2)", () => {
    const r = runCli(["scan", module, "--no-embedded"], { COLUMNS: "1000" });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/not judged no kernel export table: .*turned off with --no-embedded/);
    expect(r.stdout).not.toContain("Kernel export table:");
  });
});
