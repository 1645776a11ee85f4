import { beforeAll, describe, expect, it } from "vitest";
import {
  chooseRelease,
  compareReleases,
  embeddedTable,
  loadExportDatabase,
  scan,
  symbolHistories,
  type ExportDatabase,
} from "../../src/index.js";
import { join } from "node:path";
import { corpusSet, skipCorpus, type KernelSet } from "../helpers/corpus.js";
import { symversRows, type SymversRow } from "../helpers/tools.js";

/*
 * An export's history against the truth of two real tables: every symbol that is gone, became
 * GPL-only or moved into a namespace between the corpus's 6.1 and 6.12 amd64 Module.symvers must
 * show that change in the database's history of the amd64 flavour, between those two releases.
 */

const gplOnly = (type: string) => type.endsWith("_GPL");

async function releaseOf(set: KernelSet): Promise<string> {
  const r = await scan([join(corpusSet(set).modules, "kernel/lib")], { embedded: false, hash: false });
  return r.modules.find((m) => m.facts.vermagic)!.facts.vermagic!.split(" ")[0]!;
}

describe.skipIf(skipCorpus)("symbol history: the 6.1 → 6.12 amd64 step", () => {
  let db: ExportDatabase;
  let old: Map<string, SymversRow>;
  let next: Map<string, SymversRow>;
  let from: string;
  let to: string;
  /** Symbols whose rows in the database's chosen releases are not the files' (a corpus newer than it). */
  const unlike = new Set<string>();
  beforeAll(async () => {
    db = await loadExportDatabase();
    old = symversRows(corpusSet("amd64").symvers);
    next = symversRows(corpusSet("amd64xz").symvers);
    from = chooseRelease(db.releases, await releaseOf("amd64"))!.release;
    to = chooseRelease(db.releases, await releaseOf("amd64xz"))!.release;
    for (const [release, rows] of [
      [from, old],
      [to, next],
    ] as const) {
      const table = new Map(embeddedTable(db, release).exports.map((e) => [e.symbol, e]));
      for (const s of new Set([...table.keys(), ...rows.keys()])) {
        const a = table.get(s);
        const b = rows.get(s);
        if (!a || !b || a.type !== b.type || (a.namespace ?? "") !== b.namespace || a.module !== b.module)
          unlike.add(s);
      }
    }
  }, 60_000);

  it("shows every export gone, turned GPL-only or moved into a namespace as a change of the amd64 flavour", () => {
    const truth = new Map<string, string>();
    for (const [symbol, b] of old) {
      if (unlike.has(symbol)) continue;
      const a = next.get(symbol);
      if (!a) truth.set(symbol, "gone");
      else if (!gplOnly(b.type) && gplOnly(a.type)) truth.set(symbol, "gpl-only");
      else if (a.namespace && a.namespace !== b.namespace) truth.set(symbol, "namespace");
    }
    const kinds = new Set(truth.values());
    expect([...kinds].sort()).toEqual(["gone", "gpl-only", "namespace"]);
    const histories = symbolHistories(db, [...truth.keys()]);
    for (const h of histories) {
      const seen = h.changes
        .filter(
          (c) => c.flavour === "amd64" && compareReleases(c.release, from) > 0 && compareReleases(c.release, to) <= 0,
        )
        .flatMap((c) => c.changes);
      expect(seen, h.symbol).toContain(truth.get(h.symbol));
    }
  });

  it("gives each release's state as that release's table has it", () => {
    const sample = [...old.keys()].filter((s) => !unlike.has(s)).filter((_, i) => i % 97 === 0);
    for (const h of symbolHistories(db, sample)) {
      const at = (release: string) => h.states.find((s) => s.releases.includes(release))!.state;
      for (const [release, rows] of [
        [from, old],
        [to, next],
      ] as const) {
        const row = rows.get(h.symbol);
        const state = at(release);
        expect(
          state && { type: state.type, namespace: state.namespace ?? "", module: state.provider },
          h.symbol,
        ).toEqual(row ? { type: row.type, namespace: row.namespace, module: row.module } : null);
      }
    }
  });

  it("says a symbol no release exports is unknown", () => {
    const [h] = symbolHistories(db, ["kmodaudit_no_such_export"]);
    expect(h).toMatchObject({ known: false, changes: [] });
  });
});
