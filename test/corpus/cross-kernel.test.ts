import { relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanResult } from "../../src/index.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import {
  dumpModversions,
  importsFromReadelf,
  listFiles,
  modinfoField,
  readelfSymbols,
  symversRows,
  type SymversRow,
} from "../helpers/tools.js";

/*
 * Will the Debian 6.1 amd64 modules load on the 6.12 kernel? Expected answers are derived from
 * readelf (imports), modprobe --dump-modversions (__versions CRCs), modinfo (import_ns, vermagic)
 * and the two kernels' Module.symvers — the loader's own checks, applied by hand.
 */
describe.skipIf(skipCorpus)("Debian 6.1 amd64 modules checked against the 6.12 amd64 kernel", () => {
  let result: ScanResult;
  const expected = new Map<string, { unresolved: string[]; versionMismatch: string[]; missingNs: string[] }>();
  let target: string;

  beforeAll(async () => {
    const old = corpusSet("amd64");
    const next = corpusSet("amd64xz");
    result = await scan([old.modules], { symvers: [next.symvers], detectTables: false });
    target = result.kernel.release ?? "";

    const files = await listFiles(old.modules, "*.ko");
    const symbols = await readelfSymbols(files);
    const versions = await dumpModversions(files);
    const importNs = await modinfoField(files, "import_ns");
    const oldRows = symversRows(old.symvers);
    const newRows = symversRows(next.symvers);
    // The scan's own modules provide first: the 6.1 modules' exports, as 6.1's table lists them.
    const provider = (sym: string): SymversRow | undefined => {
      const own = oldRows.get(sym);
      return own && own.module !== "vmlinux" ? own : newRows.get(sym);
    };
    for (const f of files) {
      const strong = importsFromReadelf(symbols.get(f)!, "x86", true);
      const all = importsFromReadelf(symbols.get(f)!, "x86");
      const crcs = versions.get(f)!;
      const nsOk = new Set(importNs.get(f));
      expected.set(relative(old.modules, f), {
        unresolved: strong.filter((s) => !provider(s)),
        // Every __versions entry, as the loader checks them: imports, and module_layout.
        versionMismatch: [...crcs]
          .filter(([s, want]) => {
            const p = provider(s);
            return p && p.crc !== 0 && p.crc !== want;
          })
          .map(([s]) => s)
          .sort(),
        missingNs: all.filter((s) => {
          const ns = provider(s)?.namespace;
          return ns && !nsOk.has(ns);
        }),
      });
    }
  }, 900_000);

  const symbolsOf = (rule: string) =>
    new Map(result.modules.map((m) => [m.path, m.findings.find((f) => f.rule === rule)?.symbols ?? []]));

  it("knows the target release from the table's path", () => {
    expect(target).toMatch(/^6\.12\./);
  });

  it("reports vermagic-mismatch on every module, naming both releases", () => {
    for (const m of result.modules) {
      const f = m.findings.find((x) => x.rule === "vermagic-mismatch");
      expect(f?.message).toBe(`built for ${m.facts.vermagic!.split(" ")[0]}, the target kernel is ${target}`);
    }
  });

  it('reports unresolved-symbol exactly for the imports nothing provides ("Unknown symbol")', () => {
    const ours = symbolsOf("unresolved-symbol");
    const disagree = result.modules.filter(
      (m) => JSON.stringify(ours.get(m.path)) !== JSON.stringify(expected.get(m.path)!.unresolved),
    );
    console.log(
      `unresolved-symbol: ${[...ours.values()].filter((s) => s.length).length} modules, ${[...ours.values()].flat().length} symbols`,
    );
    expect(disagree.map((m) => m.path)).toEqual([]);
  });

  it("reports symbol-version-mismatch exactly where __versions disagrees with the provider's CRC", () => {
    const ours = symbolsOf("symbol-version-mismatch");
    const disagree = result.modules.filter(
      (m) => JSON.stringify(ours.get(m.path)) !== JSON.stringify(expected.get(m.path)!.versionMismatch),
    );
    console.log(
      `symbol-version-mismatch: ${[...ours.values()].filter((s) => s.length).length} modules, ${[...ours.values()].flat().length} symbols`,
    );
    expect(disagree.map((m) => m.path)).toEqual([]);
  });

  it("reports missing-namespace-import exactly for namespaced symbols without import_ns", () => {
    const ours = symbolsOf("missing-namespace-import");
    const disagree = result.modules.filter(
      (m) => JSON.stringify(ours.get(m.path)) !== JSON.stringify(expected.get(m.path)!.missingNs),
    );
    console.log(
      `missing-namespace-import: ${[...ours.values()].filter((s) => s.length).length} modules, ${[...ours.values()].flat().length} symbols`,
    );
    expect(disagree.map((m) => m.path)).toEqual([]);
  });
});
