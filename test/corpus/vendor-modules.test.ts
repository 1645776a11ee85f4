import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { blobsDir, corpusSet, skipCorpus } from "../helpers/corpus.js";
import { dumpModversions, importsFromReadelf, modinfoField, readelfSymbols, symversRows } from "../helpers/tools.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));

describe.skipIf(skipCorpus)("a vendor module against Debian's 6.1 and 6.12 kernels", () => {
  const vendor = join(SAMPLES, "vendor_glue.ko");

  /*
   * What the loader would say, from the files alone: the CRCs that modprobe --dump-modversions
   * reads differ from the table's, the imports the table lacks (readelf), and a vermagic release
   * that is not the table's. The sample was built for one 6.1 ABI; Debian serves whichever ABI is
   * newest today, so the 6.1 corpus kernel may or may not be the one it was built for.
   */
  async function loaderView(symvers: string) {
    const rows = symversRows(symvers);
    const crcs = (await dumpModversions([vendor])).get(vendor)!;
    const differing = [...crcs]
      .filter(([s, c]) => rows.has(s) && rows.get(s)!.crc !== c)
      .map(([s]) => s)
      .sort();
    const missing = importsFromReadelf((await readelfSymbols([vendor])).get(vendor)!, "x86").filter(
      (s) => !rows.has(s),
    );
    return { crcs, differing, missing };
  }

  const builtFor = async () => (await modinfoField([vendor], "vermagic")).get(vendor)![0]!.split(" ")[0]!;

  it.each(["amd64", "amd64xz"] as const)(
    "against the %s corpus kernel: exactly the CRC, symbol and vermagic findings the files imply",
    async (name) => {
      const set = corpusSet(name);
      const r = await scan([vendor], { symvers: [set.symvers] });
      const m = r.modules[0]!;
      const { crcs, differing, missing } = await loaderView(set.symvers);
      const target = r.kernel.release!;
      const built = await builtFor();
      expect(target).toMatch(name === "amd64" ? /^6\.1\.0-\d+-amd64$/ : /^6\.12\./);
      const vermagic = m.findings.find((f) => f.rule === "vermagic-mismatch");
      if (target === built) expect(vermagic).toBeUndefined();
      else
        expect(vermagic?.message).toMatch(
          new RegExp(
            `^built for ${built.replace(/[.+]/g, "\\$&")}, the target kernel is ${target.replace(/[.+]/g, "\\$&")}`,
          ),
        );
      expect(m.findings.find((f) => f.rule === "symbol-version-mismatch")?.symbols ?? []).toEqual(differing);
      expect(m.findings.find((f) => f.rule === "unresolved-symbol")?.symbols ?? []).toEqual(missing);
      expect(m.findings.find((f) => f.rule === "gpl-only-symbol-use")?.symbols).toEqual([
        "debugfs_create_dir",
        "debugfs_remove",
        "ktime_get",
      ]);
      console.log(
        `vendor_glue.ko (built for ${built}) on ${target}: ${differing.length} of ${crcs.size} CRCs differ, ${missing.length} imports missing`,
      );
    },
  );
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
    expect(a.direct).toEqual(
      blobImports.filter((s) => rows.has(s)).map((s) => ({ symbol: s, provider: "vmlinux", gplOnly: false })),
    );
    expect(a.viaGlue.map((v: { glueFunction: string }) => v.glueFunction)).toEqual(blobImports);
    expect(a.unprovided).toEqual([]);
    // What the glue functions reach, less what the blob imports itself; all of it imported by the glue.
    const viaGlue: { reaches: { symbol: string }[] }[] = a.viaGlue;
    const reached = new Set(viaGlue.flatMap((v) => v.reaches.map((x) => x.symbol)));
    for (const d of a.direct) reached.delete(d.symbol);
    expect(a.onlyThroughGlue.map((x: { symbol: string }) => x.symbol)).toEqual([...reached].sort());
    expect([...reached].filter((s) => !glueImports.has(s))).toEqual([]);
    const malloc = a.viaGlue.find((v: { glueFunction: string }) => v.glueFunction === "osl_malloc");
    expect(malloc.reaches.map((x: { symbol: string }) => x.symbol)).toContain("__kmalloc");
    console.log(
      `wl: blob imports ${blobImports.length}, reaches ${a.direct.length} exports directly and ${a.onlyThroughGlue.length} only through the glue (${a.onlyThroughGlue.filter((x: { gplOnly: boolean }) => x.gplOnly).length} GPL-only)`,
    );
  });
});
