import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chooseRelease,
  checkUpgrades,
  compareReleases,
  embeddedTable,
  judgeUpgrade,
  loadExportDatabase,
  parseRelease,
  parseSymvers,
  scan,
  upgrade,
  type AuditedModule,
  type ExportDatabase,
  type ScanResult,
  type UpgradeChange,
  type UpgradeTarget,
} from "../../src/index.js";
import { normalizeModuleName } from "../../src/resolve/identity.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { layOutKernels } from "../helpers/kernel-root.mjs";
import { symversRows, type SymversRow } from "../helpers/tools.js";

/*
 * The upgrade check against the truth of two real tables: Debian's 6.1 tree, scanned with its own
 * Module.symvers, judged against the 6.12 tree's Module.symvers. What changed between the tables is
 * computed here from the files alone (their own small parser, tools.ts), symbol by symbol, and every
 * module's changes must be exactly those of the symbols it imports.
 */

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const gplOnly = (type: string) => type.endsWith("_GPL");
const releaseOf = (r: ScanResult) => r.modules.find((m) => m.facts.vermagic)!.facts.vermagic!.split(" ")[0]!;

/** The changes one import's symbol went through between the two tables, as the issue defines them. */
function truth(symbol: string, m: AuditedModule, before: Map<string, SymversRow>, after: Map<string, SymversRow>) {
  const b = before.get(symbol);
  const a = after.get(symbol);
  if (!b) return [];
  if (!a) return ["gone"];
  const kinds: string[] = [];
  if (!gplOnly(b.type) && gplOnly(a.type)) kinds.push("gpl-only");
  if (a.namespace && a.namespace !== b.namespace && !m.facts.importNs.includes(a.namespace)) kinds.push("namespace");
  if (normalizeModuleName(a.module) !== normalizeModuleName(b.module)) kinds.push("provider");
  return kinds;
}

const target = (release: string, file: string): UpgradeTarget => ({
  release,
  asked: release,
  table: parseSymvers(readFileSync(file, "utf8")),
  source: { kind: "symvers", file, origin: "explicit" },
});

describe.skipIf(skipCorpus)("upgrade: the 6.1 tree judged against the 6.12 tables", () => {
  let from: ScanResult;
  let before: Map<string, SymversRow>;
  let after: Map<string, SymversRow>;
  let to: string;
  let toSymvers: string;
  beforeAll(async () => {
    const old = corpusSet("amd64");
    const next = corpusSet("amd64xz");
    from = await scan([old.modules], { symvers: [old.symvers], hash: false });
    before = symversRows(old.symvers);
    after = symversRows(next.symvers);
    toSymvers = next.symvers;
    to = releaseOf(await scan([join(next.modules, "kernel/lib")], { symvers: [next.symvers], hash: false }));
  }, 120_000);

  it("gives every module exactly the changes of the symbols it imports, computed from the two Module.symvers", async () => {
    const judged = await judgeUpgrade(from.modules, target(to, toSymvers));
    const got: string[] = [];
    const want: string[] = [];
    for (const m of from.modules) {
      for (const c of judged.get(m.path)!.upgrade.changes) got.push(`${m.path} ${c.symbol} ${c.change}`);
      for (const i of m.imports)
        for (const kind of truth(i.symbol, m, before, after)) want.push(`${m.path} ${i.symbol} ${kind}`);
    }
    // Each kind turns up in Debian's own step from 6.1 to 6.12.
    for (const kind of ["gone", "gpl-only", "namespace", "provider"])
      expect(want.some((w) => w.endsWith(` ${kind}`))).toBe(true);
    expect(got.sort()).toEqual(want.sort());
  }, 120_000);

  it("says a module builds and loads exactly when nothing it imports is gone and no finding is an error there", async () => {
    const judged = await judgeUpgrade(from.modules, target(to, toSymvers));
    for (const m of from.modules) {
      const { upgrade, findings } = judged.get(m.path)!;
      const strongGone = upgrade.changes.some((c) => c.change === "gone" && !c.weak);
      const errors = findings.some((f) => f.severity === "error");
      expect(upgrade.verdict === "builds-and-loads", m.path).toBe(!strongGone && !errors);
      if (strongGone) expect(upgrade.verdict).toBe("build-fails");
    }
  }, 120_000);

  it("through the embedded database gives what the 6.12 Module.symvers gives, but for the exports in which they differ", async () => {
    const db: ExportDatabase = await loadExportDatabase();
    const release = chooseRelease(db.releases, to)!.release;
    const dbRows = new Map(embeddedTable(db, release).exports.map((e) => [e.symbol, e]));
    const differ = new Set<string>();
    for (const s of new Set([...dbRows.keys(), ...after.keys()])) {
      const x = dbRows.get(s);
      const y = after.get(s);
      if (!x || !y || x.type !== y.type || (x.namespace ?? "") !== y.namespace || x.module !== y.module) differ.add(s);
    }
    const viaDb = await checkUpgrades(from, db, [to]);
    const viaFile = await judgeUpgrade(from.modules, target(to, toSymvers));
    for (const m of viaDb.modules) {
      const keep = (c: { symbol: string }) => !differ.has(c.symbol);
      // A table of one flavour cannot tell that another flavour of its build still has a symbol.
      const oneFlavour = ({ flavours: _, ...c }: UpgradeChange) =>
        c.change === "flavour" ? { ...c, change: "gone" } : c;
      expect(m.upgrades![0]!.to).toBe(release);
      expect(m.upgrades![0]!.changes.filter(keep).map(oneFlavour), m.path).toEqual(
        viaFile.get(m.path)!.upgrade.changes.filter(keep),
      );
    }
  }, 180_000);
});

describe.skipIf(skipCorpus)("upgrade: a vendor module judged against 6.12", () => {
  it("finds what scanning it with the 6.12 Module.symvers finds, but for what a rebuild remakes", async () => {
    const next = corpusSet("amd64xz");
    const glue = join(SAMPLES, "vendor_glue.ko");
    const scanned = await scan([glue], { hash: false });
    const on612 = await scan([glue], { symvers: [next.symvers], hash: false });
    const to = releaseOf(await scan([join(next.modules, "kernel/lib")], { symvers: [next.symvers], hash: false }));
    const judged = (await judgeUpgrade(scanned.modules, target(to, next.symvers))).get(scanned.modules[0]!.path)!;
    const remade = new Set(["symbol-version-mismatch", "vermagic-mismatch", "depends-mismatch"]);
    const shape = (f: { rule: string; severity: string; symbols: string[] }) => ({
      rule: f.rule,
      severity: f.severity,
      symbols: f.symbols,
    });
    expect(judged.findings.map(shape)).toEqual(
      on612.modules[0]!.findings.filter((f) => !remade.has(f.rule)).map(shape),
    );
    expect(judged.findings.length).toBeGreaterThan(0);
    expect(judged.upgrade.verdict).toBe("build-fails");
  }, 60_000);
});

describe.skipIf(skipCorpus)("upgrade: two kernels in one scan", () => {
  it("judges each kernel's modules against the newest build of that kernel's own flavour", async () => {
    const root = mkdtempSync(join(tmpdir(), "kmodaudit-upgrade-kernels-"));
    try {
      const kernels = layOutKernels(root, [corpusSet("amd64"), corpusSet("i386")]);
      const db = await loadExportDatabase();
      const result = await upgrade([root], { to: ["latest"], hash: false, exportDatabase: db });
      for (const { release } of kernels) {
        const flavour = parseRelease(release)!.flavour;
        const newest = db.releases
          .map((r) => r.release)
          .filter((r) => parseRelease(r)?.flavour === flavour)
          .sort(compareReleases)
          .at(-1);
        const mine = result.modules.filter((m) => m.kernel === release);
        expect(mine.length).toBeGreaterThan(1000);
        for (const m of mine)
          expect(
            m.upgrades!.map((u) => u.to),
            m.path,
          ).toEqual([newest]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 180_000);
});
