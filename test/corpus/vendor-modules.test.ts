import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { blobsDir, corpusSet, skipCorpus } from "../helpers/corpus.js";
import { dumpModversions, importsFromReadelf, readelfSymbols, symversRows } from "../helpers/tools.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));

describe.skipIf(skipCorpus)("a vendor module against its own kernel and another", () => {
  const vendor = join(SAMPLES, "vendor_glue.ko");

  it("loads cleanly as far as symbols go on the 6.1 kernel it was built for (besides its license)", async () => {
    const r = await scan([vendor], { symvers: [corpusSet("amd64").symvers] });
    expect(r.modules[0]!.findings.map((f) => f.rule)).toEqual(["gpl-only-symbol-use"]);
  });

  it("on 6.12: vermagic-mismatch, and symbol-version-mismatch exactly where modprobe's CRCs differ", async () => {
    const next = corpusSet("amd64xz");
    const r = await scan([vendor], { symvers: [next.symvers] });
    const m = r.modules[0]!;
    const rows = symversRows(next.symvers);
    const crcs = (await dumpModversions([vendor])).get(vendor)!;
    const differing = [...crcs].filter(([s, c]) => rows.has(s) && rows.get(s)!.crc !== c).map(([s]) => s).sort();
    const missing = importsFromReadelf((await readelfSymbols([vendor])).get(vendor)!, "x86").filter((s) => !rows.has(s));
    expect(m.findings.find((f) => f.rule === "vermagic-mismatch")?.message).toMatch(/^built for 6\.1\.0-\d+-amd64, the target kernel is 6\.12\./);
    expect(m.findings.find((f) => f.rule === "symbol-version-mismatch")?.symbols ?? []).toEqual(differing);
    expect(m.findings.find((f) => f.rule === "unresolved-symbol")?.symbols ?? []).toEqual(missing);
    console.log(`vendor_glue.ko on 6.12: ${differing.length} of ${crcs.size} CRCs differ, ${missing.length} imports missing`);
  });
});

describe.skipIf(skipCorpus)("Broadcom wl: the real blob and the glue built around it", () => {
  const glue = join(SAMPLES, "wl/wl_glue.o");

  it("the blob reaches no kernel export directly, all of them through the glue's osl_* and wl_* functions", async () => {
    const blob = join(blobsDir(), "wlc_hybrid.o_amd64");
    const symvers = corpusSet("amd64").symvers;
    const r = runCli(["blob", blob, "--glue", glue, "--symvers", symvers, "--format", "json"]);
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout);
    const symbols = await readelfSymbols([blob, glue]);
    const blobImports = importsFromReadelf(symbols.get(blob)!, "x86");
    const glueImports = new Set(importsFromReadelf(symbols.get(glue)!, "x86"));
    const rows = symversRows(symvers);
    expect(a.direct).toEqual(blobImports.filter((s) => rows.has(s)).map((s) => ({ symbol: s, provider: "vmlinux", gplOnly: false })));
    expect(a.viaGlue.map((v: { glueFunction: string }) => v.glueFunction)).toEqual(blobImports);
    expect(a.unprovided).toEqual([]);
    for (const reached of a.onlyThroughGlue) expect(glueImports.has(reached.symbol)).toBe(true);
    const malloc = a.viaGlue.find((v: { glueFunction: string }) => v.glueFunction === "osl_malloc");
    expect(malloc.reaches.map((x: { symbol: string }) => x.symbol)).toContain("__kmalloc");
    console.log(`wl: blob imports ${blobImports.length}, reaches ${a.direct.length} exports directly and ${a.onlyThroughGlue.length} only through the glue (${a.onlyThroughGlue.filter((x: { gplOnly: boolean }) => x.gplOnly).length} GPL-only)`);
  });
});
