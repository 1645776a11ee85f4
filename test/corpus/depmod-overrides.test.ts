import {
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanResult } from "../../src/index.js";
import { toJson } from "../../src/report/json.js";
import { renderTable } from "../../src/report/table.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderHtml } from "../../src/report/html.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { depmodDependencies } from "../helpers/depmod.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";

/*
 * Layouts a DKMS or vendor package makes of Debian's 6.1 tree, built here from the corpus tree:
 * a copy of an in-tree module in updates/dkms/ (the usual replacement of a driver), and a module
 * in updates/ under a name of its own that exports the same symbols as an in-tree one. depmod -b
 * on the same layout says which copy counts and who provides each symbol; kmodaudit must agree.
 */

/** Links (or copies, across file systems) every file of `from` into `to`; the scan does not follow file symlinks. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) linkTree(src, dst);
    else if (e.isFile()) place(src, dst);
  }
}

function place(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  try {
    linkSync(src, dst);
  } catch {
    copyFileSync(src, dst);
  }
}

interface Layout {
  root: string;
  tree: string;
  version: string;
  configs: string[];
}

/** Debian's tree (kernel/, modules.order) under a new root, plus the files `extra` names (path in tree ← corpus path). */
function layout(extra: Record<string, string>, conf?: string, order = true): Layout {
  const corpus = realpathSync(corpusSet("amd64").modules);
  const version = basename(corpus);
  const root = mkdtempSync(join(tmpdir(), "kmodaudit-depmod-"));
  const tree = join(root, "lib/modules", version);
  linkTree(join(corpus, "kernel"), join(tree, "kernel"));
  if (order) place(join(corpus, "modules.order"), join(tree, "modules.order"));
  for (const [to, from] of Object.entries(extra)) place(join(corpus, from), join(tree, to));
  const configs: string[] = [];
  if (conf !== undefined) {
    mkdirSync(join(root, "etc/depmod.d"), { recursive: true });
    writeFileSync(join(root, "etc/depmod.d/vendor.conf"), conf);
    configs.push(join(root, "etc/depmod.d"));
  }
  return { root, tree, version, configs };
}

function disagreements(result: ScanResult, depmod: Map<string, string[]>) {
  const out: { path: string; ours: string[]; depmod: string[] }[] = [];
  for (const m of result.modules) {
    const ours = result.graph.transitiveDependencies(m.path).sort();
    const theirs = [...(depmod.get(m.path) ?? ["(not in modules.dep)"])].sort();
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) out.push({ path: m.path, ours, depmod: theirs });
  }
  return out;
}

const CFG80211 = "kernel/net/wireless/cfg80211.ko";
const ALGO_BIT = "kernel/drivers/i2c/algos/i2c-algo-bit.ko";
const MAC80211 = "kernel/net/mac80211/mac80211.ko";

describe.skipIf(skipCorpus)("a tree with DKMS replacements and re-exporters, against depmod -b", () => {
  const layouts: Layout[] = [];
  afterAll(() => {
    for (const l of layouts) rmSync(l.root, { recursive: true, force: true });
  });

  describe("with depmod's default configuration (updates/ first)", () => {
    let l: Layout;
    let result: ScanResult;
    let depmod: Map<string, string[]>;
    beforeAll(async () => {
      l = layout({ "updates/dkms/cfg80211.ko": CFG80211, "updates/vendor/i2c_algo_bit_vendor.ko": ALGO_BIT });
      layouts.push(l);
      result = await scan([l.tree], { symvers: [corpusSet("amd64").symvers], detectTables: false });
      depmod = depmodDependencies(l.root, l.version, l.configs);
    }, 600_000);

    it("lists the modules depmod lists, the replaced in-tree copy not among them", () => {
      expect(result.modules.map((m) => m.path).sort()).toEqual([...depmod.keys()].sort());
      expect(result.kernels[0]!.modules).toBe(depmod.size);
    });

    it("lists the replaced copy as shadowed by the updates/ one", () => {
      expect(result.skipped.filter((s) => s.shadowedBy)).toEqual([
        expect.objectContaining({ path: CFG80211, shadowedBy: "updates/dkms/cfg80211.ko" }),
      ]);
      expect(toJson(result).skipped).toContainEqual(
        expect.objectContaining({ path: CFG80211, shadowedBy: "updates/dkms/cfg80211.ko" }),
      );
    });

    it("gives every module the same dependencies as depmod (modules.dep, transitive)", () => {
      const disagree = disagreements(result, depmod);
      console.log(`default config: ${result.modules.length} modules, ${disagree.length} disagreements with depmod`);
      expect(disagree).toEqual([]);
    });

    it("names the updates/ re-exporter as the provider, and the in-tree exporter beside it", () => {
      const users = result.modules.filter((m) => m.imports.some((i) => i.symbol === "i2c_bit_add_bus"));
      expect(users.length).toBeGreaterThan(0);
      for (const m of users) {
        const i = m.imports.find((x) => x.symbol === "i2c_bit_add_bus")!;
        expect(i.provider?.path).toBe("updates/vendor/i2c_algo_bit_vendor.ko");
        expect(i.provider?.alsoExportedBy).toEqual([ALGO_BIT]);
      }
      const report = toJson(result);
      expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
      const json = report.modules.find((m) => m.path === users[0]!.path)!;
      expect(json.severalExporters).toContainEqual({
        symbol: "i2c_bit_add_bus",
        provider: "i2c_algo_bit",
        path: "updates/vendor/i2c_algo_bit_vendor.ko",
        alsoExportedBy: [ALGO_BIT],
      });
    });

    it("says so under the table: the shadowed copy and the symbols several modules export", () => {
      const text = renderTable(result, { width: 400 });
      expect(text).toContain(
        `1 module shadowed by another copy of the same name, left out as depmod leaves it out: ${CFG80211} (by updates/dkms/cfg80211.ko).`,
      );
      expect(text).toMatch(
        /imported symbols? exported by several scanned modules, each resolved to the one depmod gives it to: /,
      );
      expect(text).toContain(`from updates/vendor/i2c_algo_bit_vendor.ko (also ${ALGO_BIT})`);
      expect(renderMarkdown(result)).toContain("1 module shadowed by another copy of the same name");
      const html = renderHtml(result);
      expect(html).toContain('<p class="depmod-note">1 module shadowed by another copy of the same name');
      expect(html).toContain("skipped: not modules, or 1 copy of a module another copy shadows.");
    });
  });

  describe("with a depmod.d of the root: a search order and an override", () => {
    let l: Layout;
    let result: ScanResult;
    let depmod: Map<string, string[]>;
    beforeAll(async () => {
      l = layout(
        {
          "updates/dkms/cfg80211.ko": CFG80211,
          "updates/dkms/mac80211.ko": MAC80211,
          "extra/mac80211.ko": MAC80211,
          "extra/i2c_algo_bit_vendor.ko": ALGO_BIT,
        },
        "# the vendor's copies first\nsearch extra updates built-in\noverride cfg80211 * kernel/net/wireless\n",
      );
      layouts.push(l);
      result = await scan([l.tree], { symvers: [corpusSet("amd64").symvers], detectTables: false });
      depmod = depmodDependencies(l.root, l.version, l.configs);
    }, 600_000);

    it("keeps the copies depmod keeps: the override's, then the first search directory's", () => {
      expect(result.modules.map((m) => m.path).sort()).toEqual([...depmod.keys()].sort());
      expect(
        result.skipped
          .filter((s) => s.shadowedBy)
          .map((s) => [s.path, s.shadowedBy])
          .sort(),
      ).toEqual([
        [MAC80211, "extra/mac80211.ko"],
        ["updates/dkms/cfg80211.ko", CFG80211],
        ["updates/dkms/mac80211.ko", "extra/mac80211.ko"],
      ]);
    });

    it("gives every module the same dependencies as depmod (modules.dep, transitive)", () => {
      const disagree = disagreements(result, depmod);
      console.log(`root depmod.d: ${result.modules.length} modules, ${disagree.length} disagreements with depmod`);
      expect(disagree).toEqual([]);
    });
  });

  describe.each([
    ["with modules.order", true],
    ["without modules.order", false],
  ])("with several re-exporters of one in-tree module, %s", (_, order) => {
    let l: Layout;
    let result: ScanResult;
    let depmod: Map<string, string[]>;
    beforeAll(async () => {
      // Names whose order in depmod's table of names (kmod's hash) is neither their paths' order nor its reverse.
      l = layout(
        {
          "updates/bit_vendor_a.ko": ALGO_BIT,
          "kernel/drivers/i2c/algos/bit_vendor_b.ko": ALGO_BIT,
          "updates/dkms/bit_vendor_c.ko": ALGO_BIT,
          "extra/aa_bit.ko": ALGO_BIT,
        },
        undefined,
        order,
      );
      layouts.push(l);
      result = await scan([l.tree], { symvers: [corpusSet("amd64").symvers], detectTables: false });
      depmod = depmodDependencies(l.root, l.version, l.configs);
    }, 600_000);

    it("gives the symbols to the exporter depmod reads last, and every module depmod's dependencies", () => {
      const user = result.modules.find((m) => m.imports.some((i) => i.symbol === "i2c_bit_add_bus"))!;
      expect(user.imports.find((i) => i.symbol === "i2c_bit_add_bus")!.provider?.path).toBe("updates/bit_vendor_a.ko");
      const disagree = disagreements(result, depmod);
      console.log(`re-exporters, ${_}: ${result.modules.length} modules, ${disagree.length} disagreements with depmod`);
      expect(disagree).toEqual([]);
      expect(result.modules.length).toBe(depmod.size);
    });
  });
});
