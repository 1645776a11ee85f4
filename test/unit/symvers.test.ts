import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FormatError, parseSymvers, scan } from "../../src/index.js";

describe("Module.symvers layouts", () => {
  it("5.6+: CRC, symbol, module, export type, namespace", () => {
    const t = parseSymvers(
      "0x12345678\tdma_buf_get\tdrivers/dma-buf/dma-buf\tEXPORT_SYMBOL_GPL\tDMA_BUF\n0x00000000\tkmalloc\tvmlinux\tEXPORT_SYMBOL\t\n",
      "f",
    );
    expect(t.hasExportTypes).toBe(true);
    expect(t.exports).toEqual([
      {
        symbol: "dma_buf_get",
        crc: 0x12345678,
        module: "drivers/dma-buf/dma-buf",
        type: "EXPORT_SYMBOL_GPL",
        gplOnly: true,
        namespace: "DMA_BUF",
      },
      { symbol: "kmalloc", crc: 0, module: "vmlinux", type: "EXPORT_SYMBOL", gplOnly: false, namespace: null },
    ]);
  });

  it("5.4–5.5: CRC, symbol, namespace, module, export type", () => {
    const t = parseSymvers(
      "0x1\tusb_stor_probe1\tUSB_STORAGE\tdrivers/usb/storage/usb-storage\tEXPORT_SYMBOL_GPL\n0x2\tprintk\t\tvmlinux\tEXPORT_SYMBOL\n",
      "f",
    );
    expect(t.exports.map((e) => [e.symbol, e.module, e.namespace, e.gplOnly])).toEqual([
      ["usb_stor_probe1", "drivers/usb/storage/usb-storage", "USB_STORAGE", true],
      ["printk", "vmlinux", null, false],
    ]);
  });

  it("2.6.18–5.3: four columns, old export types included", () => {
    const t = parseSymvers(
      "0x1\ta\tvmlinux\tEXPORT_SYMBOL_GPL_FUTURE\n0x2\tb\tvmlinux\tEXPORT_UNUSED_SYMBOL_GPL\n",
      "f",
    );
    expect(t.exports.map((e) => [e.type, e.gplOnly])).toEqual([
      ["EXPORT_SYMBOL_GPL_FUTURE", false],
      ["EXPORT_UNUSED_SYMBOL_GPL", true],
    ]);
  });

  it("pre-2.6.18: three columns carry no GPL-only information, and the table says so", () => {
    const t = parseSymvers("0x1\tprintk\tvmlinux\n", "f");
    expect(t.hasExportTypes).toBe(false);
    expect(t.exports[0]).toMatchObject({ type: null, gplOnly: false });
  });

  it("rejects a line that is not a symvers row, naming the line", () => {
    expect(() => parseSymvers("0x1\tok\tvmlinux\tEXPORT_SYMBOL\nhello world\n", "Module.symvers")).toThrow(FormatError);
    expect(() => parseSymvers("0x1\tok\tvmlinux\tEXPORT_SYMBOL\nhello world\n", "Module.symvers")).toThrow(/line 2/);
  });
});

describe("export tables given to a scan", () => {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-symvers-"));

  it("reads a gzip-compressed table (/boot/symvers-<ver>.gz)", async () => {
    const file = join(dir, "symvers-6.1.gz");
    writeFileSync(
      file,
      gzipSync("0x1\tkmalloc\tvmlinux\tEXPORT_SYMBOL\n0x2\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\n"),
    );
    const r = await scan([], { symvers: [file] });
    expect(r.kernel).toMatchObject({ exports: 2, gplOnlyKnown: true });
    expect(r.kernel.sources).toEqual([{ kind: "symvers", file, origin: "explicit" }]);
  });

  it("merges several tables, the first naming a symbol winning", async () => {
    const a = join(dir, "a.symvers");
    const b = join(dir, "b.symvers");
    writeFileSync(a, "0x1\tfoo\tvmlinux\tEXPORT_SYMBOL\n");
    writeFileSync(b, "0x2\tfoo\tvmlinux\tEXPORT_SYMBOL_GPL\n0x3\tbar\tvmlinux\tEXPORT_SYMBOL\n");
    const r = await scan([], { symvers: [a, b] });
    expect(r.kernel.exports).toBe(2);
  });

  it("reports an unreadable table as an error, so the audit is incomplete", async () => {
    const r = await scan([], { symvers: [join(dir, "missing.symvers")] });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toMatch(/cannot read: ENOENT/);
  });
});
