import { realpathSync } from "node:fs";
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  embeddedTable,
  loadExportDatabase,
  parseRelease,
  scan,
  type AuditedModule,
  type ExportDatabase,
  type ScanResult,
} from "../../src/index.js";
import { corpusSet, skipCorpus, type KernelSet } from "../helpers/corpus.js";
import { keepReleases } from "../helpers/export-db.js";
import { symversRows, type SymversRow } from "../helpers/tools.js";

/*
 * The embedded export database against the real thing: scanning a Debian tree with no table at all
 * (the database picks the table from the modules' vermagic) against scanning it with its kernel's
 * own Module.symvers. The corpus is whatever kernels Debian serves today, which a database
 * generated earlier may not know yet; a user with such a kernel gets the nearest release of its
 * series, so that is what is tested then. Both paths run on every machine: the nearest one also
 * against the database with the corpus's release taken out. The database keeps no CRCs, so
 * symbol-version-mismatch is left out of every comparison (Debian's trees have none anyway).
 */

/** What a module's verdicts are made of, minus what needs CRCs. */
function verdicts(m: AuditedModule) {
  return {
    gplOnlyImports: m.imports
      .filter((i) => i.provider?.gplOnly)
      .map((i) => `${i.symbol} ${i.provider!.name}`)
      .sort(),
    unresolved: m.unresolved,
    findings: m.findings.filter((f) => f.rule !== "symbol-version-mismatch"),
  };
}

const releaseOf = (r: ScanResult) => r.modules.find((m) => m.facts.vermagic)!.facts.vermagic!.split(" ")[0]!;
type Row = Pick<SymversRow, "module" | "type" | "namespace">;
const sameRow = (a: Row | undefined, b: Row | undefined) =>
  !!a && !!b && a.module === b.module && a.type === b.type && a.namespace === b.namespace;
/** An embedded release's exports as Module.symvers rows by symbol, CRCs aside. */
const tableRows = (database: ExportDatabase, release: string) =>
  new Map<string, Row>(
    embeddedTable(database, release).exports.map((e) => [
      e.symbol,
      { module: e.module, type: e.type ?? "", namespace: e.namespace ?? "" },
    ]),
  );

/** One tree scanned both ways; the tables' rows as Module.symvers rows. */
interface Tree {
  name: KernelSet;
  /** The kernel's release, from the tree's directory (/lib/modules/<release>). */
  release: string;
  symvers: Map<string, SymversRow>;
  withTable: ScanResult;
}

const SETS: readonly KernelSet[] = ["amd64", "amd64xz", "i386", "s390x"];
const db: ExportDatabase | null = skipCorpus ? null : await loadExportDatabase();

/** The exact release: its table is the Module.symvers, so every module's verdicts are the same. */
function exactChecks(tree: () => Tree, database: () => ExportDatabase) {
  let embedded: ScanResult;
  beforeAll(async () => {
    embedded = await scan([corpusSet(tree().name).modules], {
      detectTables: false,
      hash: false,
      exportDatabase: database(),
    });
  }, 900_000);
  afterAll(() => {
    embedded = undefined!;
  });

  it("holds the kernel's Module.symvers, row for row, but for the CRCs", () => {
    const { release, symvers } = tree();
    const ours = tableRows(database(), release);
    expect(ours.size).toBe(symvers.size);
    expect([...symvers].filter(([sym, r]) => !sameRow(ours.get(sym), r)).map(([sym]) => sym)).toEqual([]);
  });

  it("names the release it chose, exactly", () => {
    expect(embedded.kernel.sources[0]).toEqual({
      kind: "embedded",
      file: `${tree().release} (kmodaudit embedded export database)`,
      origin: "detected",
    });
    expect(embedded.kernel.gplOnlyKnown).toBe(true);
    expect(embedded.kernel.exports).toBe(tree().withTable.kernel.exports);
  });

  it("gives every module the same GPL-only imports, unresolved symbols and findings as Module.symvers", () => {
    const { name, release, withTable } = tree();
    expect(embedded.modules.map((m) => m.path)).toEqual(withTable.modules.map((m) => m.path));
    const differ = embedded.modules.filter(
      (m, i) => JSON.stringify(verdicts(m)) !== JSON.stringify(verdicts(withTable.modules[i]!)),
    );
    const gplOnly = embedded.modules.reduce((n, m) => n + verdicts(m).gplOnlyImports.length, 0);
    console.log(
      `${name} (${release}, exact): ${embedded.modules.length} modules, ${gplOnly} GPL-only imports, ${differ.length} modules differ from Module.symvers`,
    );
    expect(differ.map((m) => m.path)).toEqual([]);
  });
}

/**
 * A release the database lacks: the stand-in's table is another kernel's, so verdicts may differ
 * exactly where the two kernels' exports do. The symbols whose row differs between the stand-in and
 * the Module.symvers (missing from one, or another module, type or namespace) are measured from
 * the files; a module that imports none of them must get the very verdicts Module.symvers gives,
 * and every module its GPL-only imports of all other symbols.
 */
function nearestChecks(tree: () => Tree, database: () => ExportDatabase, label: string) {
  let nearest: ScanResult;
  let standIn: string;
  /** Symbols the stand-in's table and the kernel's Module.symvers disagree about. */
  let differing: Set<string>;
  beforeAll(async () => {
    const { name, release, symvers } = tree();
    nearest = await scan([corpusSet(name).modules], { detectTables: false, hash: false, exportDatabase: database() });
    standIn = nearest.kernel.sources[0]!.file.split(" ")[0]!;
    const ours = tableRows(database(), standIn);
    differing = new Set([...symvers.keys(), ...ours.keys()].filter((sym) => !sameRow(ours.get(sym), symvers.get(sym))));
    expect(release).not.toBe(standIn);
  }, 900_000);
  afterAll(() => {
    nearest = undefined!;
  });

  it(`stands in the nearest release of the series, said as such (${label})`, () => {
    const { release } = tree();
    expect(nearest.kernel.sources[0]).toEqual({
      kind: "embedded",
      file: `${standIn} (kmodaudit embedded export database, nearest to ${release})`,
      origin: "detected",
    });
    expect(nearest.kernel.gplOnlyKnown).toBe(true);
    const want = parseRelease(release)!;
    const got = parseRelease(standIn)!;
    expect([got.series, got.flavour]).toEqual([want.series, want.flavour]);
    const distances = database().releases.flatMap((r) => {
      const p = parseRelease(r.release);
      return p && p.series === want.series && p.flavour === want.flavour ? [Math.abs(p.position - want.position)] : [];
    });
    expect(Math.abs(got.position - want.position)).toBe(Math.min(...distances));
  });

  it(`gives the same verdicts as Module.symvers wherever the two tables agree (${label})`, () => {
    const { name, release, symvers, withTable } = tree();
    expect(nearest.modules.map((m) => m.path)).toEqual(withTable.modules.map((m) => m.path));
    const touches = (m: AuditedModule) => m.imports.some((i) => differing.has(i.symbol));
    const agreed = (m: AuditedModule) => verdicts(m).gplOnlyImports.filter((s) => !differing.has(s.split(" ")[0]!));
    const differ = nearest.modules.filter(
      (m, i) => JSON.stringify(verdicts(m)) !== JSON.stringify(verdicts(withTable.modules[i]!)),
    );
    const touching = nearest.modules.filter(touches);
    const gplOnly = nearest.modules.reduce((n, m) => n + verdicts(m).gplOnlyImports.length, 0);
    console.log(
      `${name} (${release}) against ${standIn} (${label}): ${nearest.modules.length} modules, ${gplOnly} GPL-only imports; ` +
        `${differing.size} of ${symvers.size} exports differ, imported by ${touching.length} modules; ${differ.length} modules differ from Module.symvers`,
    );
    expect(differ.filter((m) => !touches(m)).map((m) => m.path)).toEqual([]);
    expect(
      nearest.modules
        .filter((m, i) => JSON.stringify(agreed(m)) !== JSON.stringify(agreed(withTable.modules[i]!)))
        .map((m) => m.path),
    ).toEqual([]);
  });

  it(`agrees with Module.symvers on nearly all exports, as neighbours of one series do (${label})`, () => {
    // Stable updates add or move a handful of exports per ABI. Measured on the database of
    // 2026-12-04, each release against the one standing in for it were it missing: the 6.1 and 6.12
    // series differ in at most 0.27% of exports (0.37% for 6.1.0-57-686-pae against -50, seven
    // ABIs apart); only the young 7.2 backports reach 3.2%, and the corpus has none of those.
    expect(differing.size).toBeLessThan(tree().symvers.size / 100);
  });
}

describe.skipIf(skipCorpus)("embedded export database on Debian's trees", () => {
  describe.each(SETS)("%s", (name) => {
    if (db === null) return;
    let tree: Tree;
    const release = basename(realpathSync(corpusSet(name).modules));
    beforeAll(async () => {
      const set = corpusSet(name);
      const withTable = await scan([set.modules], { symvers: [set.symvers], detectTables: false, hash: false });
      expect(releaseOf(withTable)).toBe(release);
      tree = { name, release, symvers: symversRows(set.symvers), withTable };
    }, 900_000);
    afterAll(() => {
      tree = undefined!;
    });

    const without = keepReleases(db, (r) => r.release !== release);
    if (db.releases.some((r) => r.release === release))
      describe(`the shipped database, which has ${release}`, () =>
        exactChecks(
          () => tree,
          () => db,
        ));
    else
      describe(`the shipped database, which lacks ${release}`, () =>
        nearestChecks(
          () => tree,
          () => db,
          "shipped",
        ));
    describe(`the database with ${release} taken out`, () =>
      nearestChecks(
        () => tree,
        () => without,
        "taken out",
      ));
  });
});
