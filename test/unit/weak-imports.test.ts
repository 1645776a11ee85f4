import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliJson } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

/*
 * A proprietary module whose GPL-only imports are weak: the loader leaves an unresolved weak
 * symbol NULL and loads the module (kernel/module/main.c, simplify_symbols), while modpost refuses
 * to build it. Both verdicts must show, and every format must say the import is weak.
 */
const SYMVERS = [
  "0x00000000\t_printk\tvmlinux\tEXPORT_SYMBOL\t",
  "0x00000000\tktime_get\tvmlinux\tEXPORT_SYMBOL_GPL\t",
  "0x00000000\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\t",
].join("\n");

function tree(imports: (string | { name: string; weak: boolean })[]): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-weak-"));
  writeFileSync(join(dir, "Module.symvers"), `${SYMVERS}\n`);
  writeFileSync(
    join(dir, "vendor.ko"),
    miniModule(64, "little", ["license=Proprietary", "name=vendor"], imports).bytes,
  );
  return dir;
}

describe("weak GPL-only imports of a proprietary module", () => {
  it("all weak: still an error (modpost refuses the build), saying the loader would accept it", () => {
    const r = runCliJson(["scan", tree(["_printk", { name: "ktime_get", weak: true }])]);
    expect(r.status).toBe(1);
    const [m] = r.json.modules;
    expect(m.gplOnlyImports).toEqual([{ symbol: "ktime_get", provider: "vmlinux", weak: true }]);
    const [f] = m.findings;
    expect(f).toMatchObject({ rule: "gpl-only-symbol-use", severity: "error", symbols: ["ktime_get"] });
    expect(f.message).toContain("all weakly: modpost refuses to build it, while the loader accepts it");
  });

  it("some weak: names the weak ones, and the loader refuses the module for the others", () => {
    const r = runCliJson(["scan", tree([{ name: "ktime_get", weak: true }, "debugfs_create_dir"])]);
    const [m] = r.json.modules;
    expect(m.gplOnlyImports).toEqual([
      { symbol: "debugfs_create_dir", provider: "vmlinux" },
      { symbol: "ktime_get", provider: "vmlinux", weak: true },
    ]);
    expect(m.findings[0].message).toContain("1 of them weakly (ktime_get)");
  });

  it.each(["table", "markdown", "sarif", "junit", "cyclonedx"])("says weakly in --format %s", (format) => {
    const out = runCli(["scan", tree([{ name: "ktime_get", weak: true }]), "--format", format, "--all"]).stdout;
    expect(out).toMatch(/weakly|, weak\)/);
  });
});
