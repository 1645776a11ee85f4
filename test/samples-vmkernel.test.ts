import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type AuditedModule, type ScanResult } from "../src/index.js";

const DIR = fileURLToPath(new URL("../samples/vmkernel", import.meta.url));
const SYMVERS = fileURLToPath(new URL("../samples/symvers-6.1.0-56-amd64.gz", import.meta.url));

/* VMkernel-dialect objects built by samples/vmkernel/build.sh from C with gcc -c. */
describe("VMkernel (VMware ESX) modules", () => {
  let result: ScanResult;
  const mod = (p: string): AuditedModule => result.modules.find((m) => m.path === p)!;

  beforeAll(async () => {
    // With a Linux table in the scan too: its rules must not speak about VMkernel modules.
    result = await scan([DIR], { symvers: [SYMVERS], threads: 1 });
  });

  it("are read in their own dialect, with .vmkmodinfo tags and exports found through relocations", () => {
    expect(result.errors).toEqual([]);
    expect(result.modules.map((m) => [m.path, m.facts.dialect, m.facts.licenses])).toEqual([
      ["vmk_gpl_driver.o", "vmkernel", ["GPLv2"]],
      ["vmk_gpl_lib.o", "vmkernel", ["GPLv2"]],
      ["vmk_vendor_driver.o", "vmkernel", ["ThirdParty:Example Corp"]],
      ["vmk_vendor_lib.o", "vmkernel", ["VMware"]],
    ]);
    expect(mod("vmk_gpl_lib.o").facts.exports.map((e) => e.symbol)).toEqual(["vmk_gpl_helper"]);
    expect(mod("vmk_vendor_driver.o").facts.modinfo).toContainEqual(["nsRequired", "com.example.helpers#1.0"]);
  });

  it("take GPLv2 as their only GPL license (not a Linux license string)", () => {
    expect(mod("vmk_gpl_lib.o").gplCompatible).toEqual({ loader: true, modpost: true });
    expect(mod("vmk_vendor_lib.o").gplCompatible).toEqual({ loader: false, modpost: false });
    expect(mod("vmk_vendor_driver.o").gplCompatible).toEqual({ loader: false, modpost: false });
  });

  it("vmk-binds-gpl-module: a non-GPL module binding to any symbol of a GPLv2 module", () => {
    expect(mod("vmk_vendor_driver.o").findings.map((f) => [f.rule, f.severity, f.symbols, f.chain])).toEqual([
      ["vmk-binds-gpl-module", "error", ["vmk_gpl_helper"], ["vmk_vendor_driver", "vmk_gpl_lib"]],
    ]);
  });

  it("lets a GPLv2 module bind to GPL and non-GPL modules alike, and a non-GPL one to non-GPL modules", () => {
    expect(mod("vmk_gpl_driver.o").findings).toEqual([]);
    expect(mod("vmk_vendor_lib.o").findings).toEqual([]);
  });

  it("resolves the set against itself", () => {
    expect(
      result.graph
        .dependencies("vmk_vendor_driver.o")
        .map((e) => e.toName)
        .sort(),
    ).toEqual(["vmk_gpl_lib", "vmk_vendor_lib"]);
  });
});
