import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type AuditedModule, type ScanResult } from "../src/index.js";
import { runCli, runCliJson } from "./helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../samples", import.meta.url));

/*
 * The committed sample modules are real: built from samples/src against Debian's 6.1 amd64
 * headers (samples/build.sh), with that kernel's export table beside them. Each rule has a sample
 * that makes it fire, so removing a rule fails a test here.
 */
describe("the bundled samples", () => {
  let result: ScanResult;
  const mod = (path: string): AuditedModule => {
    const m = result.modules.find((x) => x.path === path);
    if (!m) throw new Error(`${path} not scanned`);
    return m;
  };
  const rules = (path: string) =>
    mod(path)
      .findings.map((f) => f.rule)
      .sort();
  const finding = (path: string, rule: string) => mod(path).findings.find((f) => f.rule === rule);

  beforeAll(async () => {
    result = await scan([SAMPLES]);
  });

  it("uses the export table that sits beside them", () => {
    expect(result.kernel.sources[0]).toMatchObject({
      kind: "symvers",
      origin: "detected",
      file: expect.stringMatching(/symvers-6\.1\.0-\d+-amd64\.gz$/),
    });
    expect(result.kernel.gplOnlyKnown).toBe(true);
    expect(result.errors).toEqual([]);
  });

  it("finds nothing wrong with a clean GPL module, a dual-licensed one and a signed one", () => {
    expect(rules("gpl_clean.ko")).toEqual([]);
    expect(rules("dual_licensed.ko")).toEqual([]);
    expect(rules("signed_gpl.ko")).toEqual([]);
  });

  it("reads a module's exports with their GPL-only flag and namespace", () => {
    expect(mod("gpl_clean.ko").facts.exports.map((e) => [e.symbol, e.gplOnly, e.namespace])).toEqual([
      ["kmodaudit_sample_add", false, null],
      ["kmodaudit_sample_gpl_double", true, null],
      ["kmodaudit_sample_ns_negate", true, "KMODAUDIT_SAMPLE"],
    ]);
  });

  it("gpl-only-symbol-use: a proprietary module importing GPL-only symbols, naming each", () => {
    expect(rules("proprietary_gpl_use.ko")).toEqual(["gpl-only-symbol-use"]);
    expect(finding("proprietary_gpl_use.ko", "gpl-only-symbol-use")!.symbols).toEqual([
      "debugfs_create_dir",
      "debugfs_create_u32",
      "debugfs_remove",
    ]);
  });

  it("missing-license: no license tag, which is also proprietary to the loader", () => {
    expect(rules("no_license.ko")).toEqual(["gpl-only-symbol-use", "missing-license"]);
    expect(mod("no_license.ko").gplCompatible).toEqual({ loader: false, modpost: false });
  });

  it("license-tags-disagree: GPL first, Proprietary second — the loader accepts, modpost does not", () => {
    expect(mod("tags_disagree.ko").facts.licenses).toEqual(["GPL", "Proprietary"]);
    expect(mod("tags_disagree.ko").gplCompatible).toEqual({ loader: true, modpost: false });
    expect(rules("tags_disagree.ko")).toEqual(["gpl-only-symbol-use", "license-tags-disagree"]);
    expect(finding("tags_disagree.ko", "gpl-only-symbol-use")!.symbols).toEqual(["kobject_create_and_add"]);
  });

  it('suspicious-license-string: the "GPL\\0for files in the GPL directory" trick', () => {
    expect(mod("nul_trick.ko").facts.licenses).toEqual(["GPL"]);
    expect(rules("nul_trick.ko")).toEqual(["suspicious-license-string"]);
    expect(finding("nul_trick.ko", "suspicious-license-string")!.message).toContain('for files in the "GPL" directory');
  });

  it("blob-uses-gpl-only: a vendor object without .modinfo calling GPL-only symbols", () => {
    expect(mod("vendor_blob.o_binary").kind).toBe("blob");
    expect(rules("vendor_blob.o_binary")).toEqual(["blob-uses-gpl-only"]);
    expect(finding("vendor_blob.o_binary", "blob-uses-gpl-only")!.symbols).toEqual([
      "debugfs_create_dir",
      "debugfs_remove",
      "ktime_get",
    ]);
    expect(rules("vendor_glue.ko")).toEqual(["gpl-only-symbol-use"]);
  });

  it("a blob with an assumed GPL-compatible license is clean; with a proprietary one it is a gpl-only-symbol-use", async () => {
    const blob = `${SAMPLES}/vendor_blob.o_binary`;
    const symvers = [`${SAMPLES}/${result.kernel.sources[0]!.file.split("/").pop()}`];
    const asGpl = await scan([blob], { symvers, assumeLicense: "GPL" });
    expect(asGpl.modules[0]!.findings).toEqual([]);
    const asNvidia = await scan([blob], { symvers, assumeLicense: "NVIDIA" });
    expect(asNvidia.modules[0]!.findings.map((f) => [f.rule, f.symbols])).toEqual([
      ["gpl-only-symbol-use", ["debugfs_create_dir", "debugfs_remove", "ktime_get"]],
    ]);
  });

  it("reads the signature and its signer as modinfo does", () => {
    const sig = mod("signed_gpl.ko").facts.signature;
    const signer = execFileSync("modinfo", ["-F", "signer", `${SAMPLES}/signed_gpl.ko`], { encoding: "utf8" }).trim();
    const hash = execFileSync("modinfo", ["-F", "sig_hashalgo", `${SAMPLES}/signed_gpl.ko`], {
      encoding: "utf8",
    }).trim();
    const key = execFileSync("modinfo", ["-F", "sig_key", `${SAMPLES}/signed_gpl.ko`], { encoding: "utf8" }).trim();
    expect(sig).toEqual({ present: true, idType: "PKCS#7", signer, hashAlgo: hash, keyId: key });
    expect(mod("gpl_clean.ko").facts.signature).toBeNull();
  });

  it("gives every sample's license tags exactly as modinfo -F license does", () => {
    // modinfo only opens files named *.ko; the wl glue is an ld -r object (wl_glue.o).
    for (const m of result.modules.filter((x) => x.kind === "module" && x.path.endsWith(".ko"))) {
      const out = execFileSync("modinfo", ["-0", "-F", "license", `${SAMPLES}/${m.path}`], { encoding: "utf8" });
      expect([m.path, m.facts.licenses]).toEqual([m.path, out.split("\0").slice(0, -1)]);
    }
  });

  it("the README's scan exits 1 with the findings in a table, and 0 with --fail-on none", () => {
    const r = runCli(["scan", SAMPLES]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/gpl-only-symbol-use/);
    expect(r.stdout).toMatch(/found beside the scan/);
    expect(runCli(["scan", SAMPLES, "--fail-on", "none"]).status).toBe(0);
  });

  it("JSON output is identical from run to run", () => {
    const a = runCliJson(["scan", SAMPLES]).stdout;
    const b = runCliJson(["scan", SAMPLES]).stdout;
    expect(a).toBe(b);
  });
});
