import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanResult } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { blobsDir, corpusSet, skipCorpus } from "../helpers/corpus.js";
import { importsFromReadelf, readelfSymbols, symversTypes } from "../helpers/tools.js";

describe.skipIf(skipCorpus)("vendor blobs (NVIDIA, Broadcom) against the Debian 6.1 amd64 table", () => {
  let result: ScanResult;
  let dir: string;
  let symvers: string;

  beforeAll(async () => {
    dir = blobsDir();
    symvers = corpusSet("amd64").symvers;
    result = await scan([dir], { symvers: [symvers] });
  }, 300_000);

  it("reads every blob without an error", () => {
    expect(result.errors).toEqual([]);
  });

  it("treats NVIDIA's objects as blobs of unknown license", () => {
    const nv = result.modules.filter((m) => m.path.startsWith("nv-"));
    expect(nv.map((m) => m.path).sort()).toEqual(["nv-kernel.o_binary", "nv-modeset-kernel.o_binary"]);
    for (const m of nv) {
      expect(m.kind).toBe("blob");
      expect(m.gplCompatible).toEqual({ loader: null, modpost: null });
      expect(m.facts.licenses).toEqual([]);
    }
  });

  it("skips Broadcom's wlc_hybrid objects, which import no kernel export (only its osl_* glue), saying why", () => {
    const wl = result.skipped.filter((s) => s.path.startsWith("wlc_hybrid"));
    expect(wl.length).toBe(2);
    for (const s of wl) expect(s.reason).toMatch(/imports no kernel export/);
  });

  it("finds the same imports, and GPL-only imports, as readelf plus Module.symvers", async () => {
    const types = symversTypes(symvers);
    const files = result.modules.map((m) => join(dir, m.path));
    const symbols = await readelfSymbols(files);
    for (const m of result.modules) {
      const imports = importsFromReadelf(symbols.get(join(dir, m.path))!, "x86");
      expect(m.facts.imports.map((i) => i.symbol)).toEqual(imports);
      const gpl = imports.filter((s) => types.get(s) === "EXPORT_SYMBOL_GPL");
      expect(
        m.imports
          .filter((i) => i.provider?.gplOnly)
          .map((i) => i.symbol)
          .sort(),
      ).toEqual(gpl);
    }
  });

  it("never reports a blob's imports as unresolved: its glue resolves them at link time", () => {
    expect(result.modules.flatMap((m) => m.findings).filter((f) => f.rule === "unresolved-symbol")).toEqual([]);
  });

  it("applies --assume-license to blobs", () => {
    const r = runCli([
      "scan",
      join(dir, "nv-kernel.o_binary"),
      "--symvers",
      symvers,
      "--assume-license",
      "NVIDIA",
      "--format",
      "json",
    ]);
    const m = JSON.parse(r.stdout).modules[0];
    expect(m.assumedLicense).toBe("NVIDIA");
    expect(m.gplCompatible).toEqual({ loader: false, modpost: false });
    const gplOnly = m.gplOnlyImports.map((g: { symbol: string }) => g.symbol);
    const finding = m.findings.find((f: { rule: string }) => f.rule === "gpl-only-symbol-use");
    if (gplOnly.length > 0) expect(finding.symbols).toEqual(gplOnly);
    else expect(finding).toBeUndefined();
    expect(r.status).toBe(gplOnly.length > 0 ? 1 : 0);
  });
});
