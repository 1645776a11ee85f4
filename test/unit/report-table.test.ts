import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  applyPolicy,
  attributeBlob,
  DEFAULT_LIMITS,
  dependencyView,
  findModule,
  recordBaseline,
  scan,
  type BlobAttribution,
  type ScanResult,
} from "../../src/index.js";
import { renderAttribution } from "../../src/report/attribution.js";
import { renderDepsTable } from "../../src/report/deps.js";
import { displayWidth } from "../../src/report/display-width.js";
import { renderRunningSection } from "../../src/report/running.js";
import { renderTable } from "../../src/report/table.js";
import { parseProcModules } from "../../src/system/proc-modules.js";
import { decodeKernelTaint } from "../../src/system/taint.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const WIDTHS = [60, 80, 120, 200];
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

const linesOf = (text: string) => text.replace(/\n$/, "").split("\n");
/** The lines of the box-drawn table(s) in a report: the text around them (summary, notes) is not laid out. */
const tableLines = (text: string) => linesOf(text).filter((l) => /^[┌│├└]/.test(l));
const widest = (lines: readonly string[]) => Math.max(...lines.map(displayWidth));

const gplOnly = (n: number) => Array.from({ length: n }, (_, i) => `gpl_only_fn_${String(i).padStart(5, "0")}`);

/**
 * A scan in which vendor.ko (Proprietary) imports `n` GPL-only symbols and a baseline accepted
 * the first: its finding's message then lists the other n - 1 by name, as new.
 */
async function baselinedScan(n: number): Promise<ScanResult> {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-table-"));
  const symbols = gplOnly(n);
  writeFileSync(
    join(dir, "Module.symvers"),
    symbols.map((s, i) => `0x${i.toString(16)}\t${s}\tvmlinux\tEXPORT_SYMBOL_GPL\n`).join(""),
  );
  const mod = join(dir, "vendor.ko");
  writeFileSync(mod, miniModule(64, "little", ["license=Proprietary", "name=vendor"], symbols.slice(0, 1)).bytes);
  const { baseline } = recordBaseline(await scan([dir], { threads: 1 }), { justification: "accepted in the test" });
  writeFileSync(mod, miniModule(64, "little", ["license=Proprietary", "name=vendor"], symbols).bytes);
  return applyPolicy(await scan([dir], { threads: 1 }), { baseline: { file: join(dir, "baseline.json"), baseline } });
}

/** Modules whose cells push the layout: a provenance path deep inside an archive, a wide-character name, a hostile license tag. */
async function awkwardScan(): Promise<ScanResult> {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-table-"));
  const inner = "lib/modules/6.1.0-57-amd64/kernel/drivers/net/ethernet/vendor/some_long_directory_name";
  mkdirSync(join(dir, "root", inner), { recursive: true });
  writeFileSync(
    join(dir, "root", inner, "netdrv.ko"),
    miniModule(
      64,
      "little",
      ["license=Proprietary", "name=netdrv"],
      ["_printk", "debugfs_create_dir", "no_such_symbol"],
    ).bytes,
  );
  const tar = spawnSync("tar", ["-cf", join(dir, "image.tar"), "-C", join(dir, "root"), "lib"]);
  if (tar.status !== 0) throw new Error(String(tar.stderr));
  writeFileSync(
    join(dir, "wide.ko"),
    miniModule(64, "little", ["license=Proprietary", "name=ドライバ_ネットワーク"], ["debugfs_create_dir"]).bytes,
  );
  writeFileSync(
    join(dir, "evil.ko"),
    miniModule(64, "little", ["license=Evil\x1b[2J\x07GPL", "name=evil\x1b]0;pwned\x07"], ["debugfs_create_dir"]).bytes,
  );
  writeFileSync(
    join(dir, "Module.symvers"),
    "0x1\t_printk\tvmlinux\tEXPORT_SYMBOL\n0x2\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\n",
  );
  spawnSync("rm", ["-r", join(dir, "root")]);
  return scan([dir], { threads: 1 });
}

describe("a finding that names 10,000 symbols", () => {
  let big: ScanResult;
  let small: ScanResult;
  beforeAll(async () => {
    [big, small] = [await baselinedScan(10_000), await baselinedScan(1_000)];
  });

  it("is shown in part, within the width, with how many symbols were left out and where to find them all", () => {
    const text = renderTable(big, { width: 120 });
    expect(widest(tableLines(text))).toBeLessThanOrEqual(120);
    const left = Number(text.match(/… ([\d,]+) more symbols: --format json lists all/)![1]!.replace(/,/g, ""));
    const shown = new Set(text.match(/gpl_only_fn_\d{5}\b/g));
    shown.delete("gpl_only_fn_00000"); // the baselined one, named in the message's first part
    expect(shown.size).toBeGreaterThan(0);
    expect(shown.size + left).toBe(9_999);
  });

  it("takes as many lines as a finding that names 1,000: the table does not grow with the list", () => {
    expect(linesOf(renderTable(big, { width: 120 })).length).toBe(linesOf(renderTable(small, { width: 120 })).length);
  });
});

describe("every table fits the width, borders included", () => {
  let awkward: ScanResult;
  let samples: ScanResult;
  let attribution: BlobAttribution;
  beforeAll(async () => {
    awkward = await awkwardScan();
    samples = await scan([SAMPLES], { threads: 1 });
    const blob = join(SAMPLES, "vendor_blob.o_binary");
    const glue = join(SAMPLES, "vendor_glue.ko");
    const pair = await scan([blob, glue], {
      threads: 1,
      blobs: [blob],
      symvers: [join(SAMPLES, "symvers-6.1.0-56-amd64.gz")],
    });
    attribution = await attributeBlob(pair, blob, glue, readFileSync(glue), DEFAULT_LIMITS);
  });

  it.each(WIDTHS)("the lines under the scan's table (summary, kernel table, not judged) at %i columns", (width) => {
    const lines = linesOf(renderTable(samples, { width })).filter((l) => !/^[┌│├└]/.test(l));
    expect(lines.join(" ")).toMatch(/^\d+ files: .* findings: .*Kernel export table: /);
    expect(widest(lines)).toBeLessThanOrEqual(width);
  });

  it.each(WIDTHS)("the scan report at %i columns", (width) => {
    for (const result of [awkward, samples]) {
      const lines = tableLines(renderTable(result, { all: true, width }));
      expect(lines.length).toBeGreaterThan(3);
      expect(widest(lines)).toBeLessThanOrEqual(width);
    }
  });

  it.each(WIDTHS)("the dependencies table at %i columns", (width) => {
    const view = dependencyView(samples, findModule(samples, "gpl_taint_user")!, "dependencies");
    expect(widest(tableLines(renderDepsTable(view, { width })))).toBeLessThanOrEqual(width);
  });

  it.each(WIDTHS)("the blob attribution table at %i columns", (width) => {
    // The sample's blob calls no glue function; give it two, one reaching every symbol it imports.
    const viaGlue = [
      { glueFunction: "vendor_glue_dma_map", reaches: attribution.direct },
      {
        glueFunction: "vendor_glue_with_a_function_name_longer_than_any_column",
        reaches: attribution.direct.slice(0, 2),
      },
    ];
    const text = renderAttribution({ ...attribution, viaGlue }, { width });
    expect(tableLines(text).length).toBeGreaterThan(3);
    expect(widest(tableLines(text))).toBeLessThanOrEqual(width);
  });

  it.each(WIDTHS)("the loaded-modules table at %i columns", (width) => {
    const loaded = parseProcModules(
      "nvidia 56807424 71 nvidia_modeset,nvidia_uvm, Live 0x0000000000000000 (POE)\ne1000e 294912 0 - Unloading 0x0000000000000000 (OE)\n",
    ).modules;
    const running = {
      release: "6.1.0-57-amd64",
      tree: "/lib/modules/6.1.0-57-amd64",
      tainted: decodeKernelTaint("12801")!,
      loaded: [
        { ...loaded[0]!, path: null },
        { ...loaded[1]!, path: "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko" },
      ],
      notes: [],
    };
    const lines = tableLines(renderRunningSection(running, [], { all: true, width }));
    expect(lines.length).toBeGreaterThan(3);
    expect(widest(lines)).toBeLessThanOrEqual(width);
  });

  it("at least 60 columns, however narrow the width asked", () => {
    expect(widest(tableLines(renderTable(samples, { width: 20 })))).toBe(60);
  });

  it("120 columns when no width is given", () => {
    expect(widest(tableLines(renderTable(samples)))).toBe(120);
  });
});

describe("cells", () => {
  let awkward: ScanResult;
  beforeAll(async () => {
    awkward = await awkwardScan();
  });

  it("cut a long provenance path in the middle, keeping the file name and the start", () => {
    const row = tableLines(renderTable(awkward, { width: 120 })).find((l) => l.includes("netdrv.ko"))!;
    expect(row).toMatch(/^│ image\.tar!\/lib\/[^ ]*…\/netdrv\.ko +│/);
  });

  it("look the same with colour as without it", () => {
    for (const width of WIDTHS) {
      const coloured = renderTable(awkward, { width, color: true });
      expect(coloured).toMatch(SGR);
      expect(coloured.replace(SGR, "")).toBe(renderTable(awkward, { width }));
    }
  });

  it("keep strings from binaries escaped: no control character reaches the terminal, and only the report's own colours do", () => {
    const plain = renderTable(awkward, { width: 200 });
    expect(plain).toContain("Evil\\x1b[2J\\x07GPL");
    expect(plain).toContain("evil\\x1b]0;pwned\\x07");
    // eslint-disable-next-line no-control-regex
    expect(plain).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    // eslint-disable-next-line no-control-regex
    expect(renderTable(awkward, { width: 60, color: true }).replace(SGR, "")).not.toMatch(
      /[\x00-\x09\x0b-\x1f\x7f-\x9f]/,
    );
  });
});
