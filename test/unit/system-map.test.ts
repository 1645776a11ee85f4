import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FormatError, parseSystemMap, scan } from "../../src/index.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const MAP = `ffffffff81000000 T _text
ffffffff82462390 R __start___ksymtab
ffffffff82462390 r __ksymtab_kmalloc
ffffffff8246239c r __ksymtab__printk
ffffffff82470cdc R __stop___ksymtab
ffffffff82470cdc R __start___ksymtab_gpl
ffffffff82470cdc r __ksymtab_debugfs_create_dir
ffffffff82480fe4 R __stop___ksymtab_gpl
ffffffff82480fe4 r __ksymtab_strings
00000000a1b2c3d4 A __crc_kmalloc
ffffffffc0a00000 t foo_init	[foo]
`;

describe("System.map / kallsyms export sources", () => {
  it("classifies each __ksymtab_<sym> by the __start/__stop___ksymtab range it falls in", () => {
    const t = parseSystemMap(MAP, "System.map");
    expect(t.exports.map((e) => [e.symbol, e.gplOnly, e.crc])).toEqual([
      ["kmalloc", false, 0xa1b2c3d4],
      ["_printk", false, null],
      ["debugfs_create_dir", true, null],
    ]);
  });

  it("refuses a map without the ksymtab range markers, which cannot tell GPL-only exports", () => {
    expect(() => parseSystemMap("ffffffff81000000 T _text\n", "map")).toThrow(FormatError);
  });

  it("is used by scan --system-map, and names its kind in the sources", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-map-"));
    writeFileSync(join(dir, "System.map-6.1.0-56-amd64"), MAP);
    writeFileSync(
      join(dir, "m.ko"),
      miniModule(64, "little", ["license=Proprietary", "vermagic=6.1.0-50-amd64 SMP"]).bytes,
    );
    const r = await scan([join(dir, "m.ko")], { systemMap: [join(dir, "System.map-6.1.0-56-amd64")] });
    expect(r.kernel.sources[0]).toMatchObject({ kind: "system-map" });
    expect(r.kernel.release).toBe("6.1.0-56-amd64");
    expect(r.modules[0]!.findings.map((f) => f.rule)).toEqual(["gpl-only-symbol-use", "vermagic-mismatch"]);
  });
});
