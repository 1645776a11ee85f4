import { relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanResult } from "../../src/index.js";
import { corpusSet, skipCorpus, type KernelSet } from "../helpers/corpus.js";
import {
  decompressAll,
  importsFromReadelf,
  listFiles,
  modinfoFacts,
  readelfSymbols,
  symversTypes,
} from "../helpers/tools.js";

interface Expected {
  licenses: string[];
  signer: string | null;
  imports: string[];
  gplOnly: string[];
}

const MACHINE: Record<KernelSet, "x86" | "s390"> = { amd64: "x86", amd64xz: "x86", i386: "x86", s390x: "s390" };

describe.skipIf(skipCorpus).each(["amd64", "amd64xz", "i386", "s390x"] as const)("Debian kernel tree %s", (name) => {
  let result: ScanResult;
  const expected = new Map<string, Expected>();
  let files: string[] = [];

  beforeAll(async () => {
    const set = corpusSet(name);
    const started = performance.now();
    result = await scan([set.modules], { symvers: [set.symvers], detectTables: false });
    const seconds = (performance.now() - started) / 1000;

    files = await listFiles(set.modules, "*.ko*");
    const info = await modinfoFacts(files);
    const plain = name === "amd64xz" ? await decompressAll(files) : new Map(files.map((f) => [f, f]));
    const symbols = await readelfSymbols([...plain.values()]);
    const types = symversTypes(set.symvers);
    for (const f of files) {
      const imports = importsFromReadelf(symbols.get(plain.get(f)!) ?? [], MACHINE[name]);
      expected.set(relative(set.modules, f), {
        licenses: info.get(f)?.licenses ?? [],
        signer: info.get(f)?.signer ?? null,
        imports,
        gplOnly: imports.filter((s) => types.get(s) === "EXPORT_SYMBOL_GPL"),
      });
    }
    console.log(
      `${name}: ${result.modules.length} modules scanned in ${seconds.toFixed(2)} s (library, in-process), ${files.length} module files on disk`,
    );
  }, 900_000);

  it("reads every module file without an error", () => {
    expect(result.errors).toEqual([]);
    expect(result.modules.map((m) => m.path).sort()).toEqual([...expected.keys()].sort());
    expect(result.modules.every((m) => m.kind === "module")).toBe(true);
  });

  it("accounts for every file exactly once", () => {
    const seen = [
      ...result.modules.map((m) => m.path),
      ...result.skipped.map((s) => s.path),
      ...result.errors.map((e) => e.path),
    ];
    expect(new Set(seen).size).toBe(seen.length);
    expect(result.files).toBe(seen.length);
  });

  it("reads the same license tags as modinfo -F license, for every module", () => {
    const disagree = result.modules.filter(
      (m) => JSON.stringify(m.facts.licenses) !== JSON.stringify(expected.get(m.path)!.licenses),
    );
    expect(
      disagree.map((m) => ({ path: m.path, ours: m.facts.licenses, modinfo: expected.get(m.path)!.licenses })),
    ).toEqual([]);
  });

  it("reads the same signer as modinfo -F signer, for every module", () => {
    const disagree = result.modules.filter((m) => (m.facts.signature?.signer ?? null) !== expected.get(m.path)!.signer);
    expect(
      disagree.map((m) => ({ path: m.path, ours: m.facts.signature, modinfo: expected.get(m.path)!.signer })),
    ).toEqual([]);
  });

  it("finds the same imports as readelf, for every module", () => {
    const disagree = result.modules.filter(
      (m) => JSON.stringify(m.facts.imports.map((i) => i.symbol)) !== JSON.stringify(expected.get(m.path)!.imports),
    );
    expect(disagree.map((m) => m.path)).toEqual([]);
  });

  it("classifies the same imports as GPL-only as readelf plus Module.symvers, for every module", () => {
    const disagree = result.modules.filter((m) => {
      const ours = m.imports
        .filter((i) => i.provider?.gplOnly)
        .map((i) => i.symbol)
        .sort();
      return JSON.stringify(ours) !== JSON.stringify(expected.get(m.path)!.gplOnly);
    });
    expect(disagree.map((m) => m.path)).toEqual([]);
  });

  it("reports no findings on Debian's own tree", () => {
    expect(
      result.modules.filter((m) => m.findings.length > 0).map((m) => ({ path: m.path, findings: m.findings })),
    ).toEqual([]);
  });
});
