import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type AuditedModule, type ScanResult } from "../src/index.js";
import { runCli } from "./helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../samples", import.meta.url));

/*
 * The dependency scenarios of samples/ (shim/, taint/, dynamic/, namespace/, depends/), built from
 * C against Debian's 6.1 amd64 headers. Each rule here has a sample that makes it fire and one that
 * must not, so removing or loosening a rule fails a test.
 */
describe("dependency rules on the samples", () => {
  let result: ScanResult;
  const mod = (path: string): AuditedModule => result.modules.find((x) => x.path === path)!;
  const findings = (path: string, rule: string) => mod(path).findings.filter((f) => f.rule === rule);

  beforeAll(async () => {
    result = await scan([SAMPLES]);
  });

  it("reads each export's reach through relocations, across sections and through a non-exported helper", () => {
    const refs = mod("shim/gpl_shim.ko").facts.exportReferences;
    expect(refs.shim_debugfs_dir).toContain("debugfs_create_dir");
    expect(refs.shim_helper_indirect).toContain("ktime_get"); // via shim_internal_ktime in .text.shim_internal
    expect(refs.shim_plain_add).toContain("_printk"); // gcc put it in .text.unlikely
    expect(refs.shim_plain_add).not.toContain("debugfs_create_dir");
  });

  it("gpl-shim-reexport: on the GPL shim, per non-GPL importer, naming the exports and the full chains", () => {
    const f = findings("shim/gpl_shim.ko", "gpl-shim-reexport");
    expect(f).toHaveLength(1);
    expect(f[0]!.symbols).toEqual(["shim_debugfs_dir", "shim_debugfs_remove"]);
    expect(f[0]!.chain).toEqual(["proprietary_shim_user", "gpl_shim", "shim_debugfs_dir", "debugfs_create_dir"]);
    expect(f[0]!.chains).toEqual([
      ["proprietary_shim_user", "gpl_shim", "shim_debugfs_dir", "debugfs_create_dir"],
      ["proprietary_shim_user", "gpl_shim", "shim_debugfs_remove", "debugfs_remove"],
    ]);
  });

  it("does not flag a shim export whose code calls no GPL-only symbol, nor its proprietary user", () => {
    expect(JSON.stringify(findings("shim/gpl_shim.ko", "gpl-shim-reexport"))).not.toContain("proprietary_plain_user");
    expect(mod("shim/proprietary_plain_user.ko").findings).toEqual([]);
    expect(mod("shim/proprietary_shim_user.ko").findings).toEqual([]); // it imports no GPL-only symbol itself
  });

  it("proprietary-taint-inherited: a GPL module using GPL-only symbols and a proprietary module's symbols", () => {
    const f = findings("taint/gpl_taint_user.ko", "proprietary-taint-inherited");
    expect(f.map((x) => [x.symbols, x.chain, x.severity])).toEqual([
      [["prop_lib_value"], ["gpl_taint_user", "proprietary_lib"], "error"],
    ]);
    expect(findings("taint/gpl_taint_user.ko", "inherits-proprietary-taint")).toEqual([]);
  });

  it("inherits-proprietary-taint: a GPL module using only a proprietary module's plain symbols", () => {
    const f = findings("taint/gpl_taint_info.ko", "inherits-proprietary-taint");
    expect(f.map((x) => [x.symbols, x.chain, x.severity])).toEqual([
      [["prop_lib_value"], ["gpl_taint_info", "proprietary_lib"], "info"],
    ]);
    expect(mod("taint/proprietary_lib.ko").findings).toEqual([]);
  });

  it("dynamic-symbol-lookup: a proprietary module importing __symbol_get and register_kprobe", () => {
    expect(findings("dynamic/dyn_lookup.ko", "dynamic-symbol-lookup").map((f) => f.symbols)).toEqual([
      ["__symbol_get", "register_kprobe"],
    ]);
  });

  it("missing-namespace-import: a namespaced symbol used without import_ns, and not when imported", () => {
    expect(findings("namespace/ns_missing_import.ko", "missing-namespace-import").map((f) => f.symbols)).toEqual([
      ["kmodaudit_sample_ns_negate"],
    ]);
    expect(mod("namespace/ns_ok_import.ko").findings).toEqual([]);
  });

  it("depends-mismatch: a depends= tag edited to name another module", () => {
    const f = findings("depends/depends_edited.ko", "depends-mismatch");
    expect(f.map((x) => x.symbols)).toEqual([["kmodaudit_sample_add"]]);
    expect(f[0]!.message).toMatch(/need gpl_clean.*names gpl_dirty/);
  });
});

describe("kmodaudit deps on the samples", () => {
  it("lists a module's dependencies with the symbols each edge carries, GPL-only ones named", () => {
    const r = runCli(["deps", "gpl_taint_user", "--tree", SAMPLES, "--format", "json"]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.module).toMatchObject({ name: "gpl_taint_user", path: "taint/gpl_taint_user.ko", license: "GPL" });
    const edges = j.edges.map((e: { toName: string; gplOnly: boolean; symbols: { symbol: string }[] }) => [
      e.toName,
      e.gplOnly,
      e.symbols.map((s) => s.symbol),
    ]);
    expect(edges).toContainEqual(["proprietary_lib", false, ["prop_lib_value"]]);
    expect(edges.find((e: [string]) => e[0] === "vmlinux")[1]).toBe(true);
  });

  it("--reverse lists who depends on a module, transitively", () => {
    const j = JSON.parse(runCli(["deps", "gpl_clean", "--tree", SAMPLES, "--reverse", "--format", "json"]).stdout);
    expect(j.nodes.map((n: { name: string }) => n.name).sort()).toEqual([
      "depends_edited",
      "gpl_clean",
      "ns_missing_import",
      "ns_ok_import",
    ]);
  });

  it("accepts a module file and resolves it against --tree", () => {
    const r = runCli(["deps", `${SAMPLES}/shim/proprietary_shim_user.ko`, "--tree", SAMPLES]);
    expect(r.stdout).toMatch(/^proprietary_shim_user depends on 1 module: gpl_shim/);
  });

  it("renders dot that Graphviz draws, GPL-only edges in red", () => {
    const dot = runCli(["deps", "gpl_taint_user", "--tree", SAMPLES, "--format", "dot"]).stdout;
    expect(dot).toMatch(/"taint\/gpl_taint_user\.ko" -> "vmlinux" \[label="\d+ symbols, 2 GPL-only", color="#c00000"/);
    expect(dot).toMatch(/"taint\/gpl_taint_user\.ko" -> "taint\/proprietary_lib\.ko" \[label="1 symbol"\]/);
    const svg = execFileSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
    expect(svg).toContain("<svg");
    expect(svg).toContain("proprietary_lib");
  });

  it("renders a mermaid flowchart with GPL-only edges styled", () => {
    const mm = runCli(["deps", "gpl_taint_user", "--tree", SAMPLES, "--format", "mermaid"]).stdout;
    expect(mm.split("\n")[0]).toBe("flowchart LR");
    expect(mm).toMatch(/linkStyle \d+ stroke:#c00000/);
  });

  it("fails with exit 2 and a hint for a module that is not in the tree", () => {
    const r = runCli(["deps", "no_such_module", "--tree", SAMPLES]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no module "no_such_module".*--tree/);
  });
});

describe("kmodaudit blob on the samples", () => {
  it("attributes the vendor blob's GPL-only use to the blob itself, not the glue", () => {
    const r = runCli([
      "blob",
      `${SAMPLES}/vendor_blob.o_binary`,
      "--glue",
      `${SAMPLES}/vendor_glue.ko`,
      "--symvers",
      `${SAMPLES}/symvers-6.1.0-56-amd64.gz`,
      "--format",
      "json",
    ]);
    const j = JSON.parse(r.stdout);
    expect(j.direct.filter((d: { gplOnly: boolean }) => d.gplOnly).map((d: { symbol: string }) => d.symbol)).toEqual([
      "debugfs_create_dir",
      "debugfs_remove",
      "ktime_get",
    ]);
    expect(j.glue.licenses).toEqual(["Proprietary"]);
  });
});
