import { beforeAll, describe, expect, it } from "vitest";
import { embeddedTable, loadExportDatabase, scan, type AuditedModule, type ExportDatabase, type ScanResult } from "../../src/index.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { symversRows } from "../helpers/tools.js";

/*
 * The embedded export database against the real thing: scanning a Debian tree with no table at all
 * (the database picks the table from the modules' vermagic) must give every module the same
 * verdicts as scanning it with its kernel's own Module.symvers. The database keeps no CRCs, so
 * symbol-version-mismatch is left out of the comparison (Debian's trees have none anyway).
 */

/** What a module's verdicts are made of, minus what needs CRCs. */
function verdicts(m: AuditedModule) {
  return {
    gplOnlyImports: m.imports.filter((i) => i.provider?.gplOnly).map((i) => `${i.symbol} ${i.provider!.name}`).sort(),
    unresolved: m.unresolved,
    findings: m.findings.filter((f) => f.rule !== "symbol-version-mismatch"),
  };
}

const releaseOf = (r: ScanResult) => r.modules.find((m) => m.facts.vermagic)!.facts.vermagic!.split(" ")[0]!;

describe.skipIf(skipCorpus)("embedded export database on Debian's trees", () => {
  let db: ExportDatabase;
  beforeAll(async () => {
    db = await loadExportDatabase();
  });

  describe.each(["amd64", "amd64xz", "i386", "s390x"] as const)("%s", (name) => {
    let withTable: ScanResult;
    let embedded: ScanResult;
    let release: string;

    beforeAll(async () => {
      const set = corpusSet(name);
      withTable = await scan([set.modules], { symvers: [set.symvers], detectTables: false, hash: false });
      embedded = await scan([set.modules], { detectTables: false, hash: false, exportDatabase: db });
      release = releaseOf(withTable);
      if (!db.releases.some((r) => r.release === release)) throw new Error(`the embedded database lacks ${release}, the corpus's kernel: run scripts/gen-export-db.sh`);
    }, 900_000);

    it("holds the kernel's Module.symvers, row for row, but for the CRCs", () => {
      const rows = symversRows(corpusSet(name).symvers);
      const table = embeddedTable(db, release);
      const ours = new Map(table.exports.map((e) => [e.symbol, e]));
      expect(ours.size).toBe(rows.size);
      const disagree = [...rows].filter(([sym, r]) => {
        const e = ours.get(sym);
        return !e || e.module !== r.module || e.type !== r.type || (e.namespace ?? "") !== r.namespace;
      });
      expect(disagree.map(([sym]) => sym)).toEqual([]);
    });

    it("names the release it chose, exactly", () => {
      expect(embedded.kernel.sources[0]).toEqual({ kind: "embedded", file: `${release} (kmodaudit embedded export database)`, origin: "detected" });
      expect(embedded.kernel.gplOnlyKnown).toBe(true);
      expect(embedded.kernel.exports).toBe(withTable.kernel.exports);
    });

    it("gives every module the same GPL-only imports, unresolved symbols and findings as Module.symvers", () => {
      expect(embedded.modules.map((m) => m.path)).toEqual(withTable.modules.map((m) => m.path));
      const differ = embedded.modules.filter((m, i) => JSON.stringify(verdicts(m)) !== JSON.stringify(verdicts(withTable.modules[i]!)));
      const gplOnly = embedded.modules.reduce((n, m) => n + verdicts(m).gplOnlyImports.length, 0);
      console.log(`${name} (${release}): ${embedded.modules.length} modules, ${gplOnly} GPL-only imports, ${differ.length} modules differ from Module.symvers`);
      expect(differ.map((m) => m.path)).toEqual([]);
    });
  });

  it("stands in the nearest release of the series when the exact one is missing (6.1.0-56-amd64 taken out)", async () => {
    const set = corpusSet("amd64");
    const withTable = await scan([set.modules], { symvers: [set.symvers], detectTables: false, hash: false });
    const release = releaseOf(withTable);
    const keep = db.releases.flatMap((r, i) => (r.release === release ? [] : [i]));
    const without: ExportDatabase = { ...db, releases: keep.map((i) => db.releases[i]!), membership: keep.map((i) => db.membership[i]!) };
    const nearest = await scan([set.modules], { detectTables: false, hash: false, exportDatabase: without });
    expect(nearest.kernel.sources[0]!.file).toMatch(new RegExp(`^6\\.1\\.0-\\d+-amd64 \\(kmodaudit embedded export database, nearest to ${release.replace(/\./g, "\\.")}\\)$`));
    const differ = nearest.modules.filter((m, i) => JSON.stringify(verdicts(m).gplOnlyImports) !== JSON.stringify(verdicts(withTable.modules[i]!).gplOnlyImports));
    console.log(`amd64 against ${nearest.kernel.sources[0]!.file}: ${differ.length} of ${nearest.modules.length} modules differ in GPL-only imports`);
    // Neighbouring ABIs of one series differ in a handful of exports at most.
    expect(differ.length).toBeLessThan(nearest.modules.length / 200);
  }, 900_000);
});
