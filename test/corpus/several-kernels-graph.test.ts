import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DependencyEdge, dependencyView, findModule, type ScanResult, scan } from "../../src/index.js";
import { renderDepsDot, renderDepsTable } from "../../src/report/deps.js";
import { corpusSet, type KernelSet, skipCorpus } from "../helpers/corpus.js";
import { layOutKernels } from "../helpers/kernel-root.mjs";

/*
 * The dependency graph of a scan that holds several kernels, and of one that holds the same module
 * files twice in one kernel (a tree and its initramfs), on the Debian trees.
 */

/** An edge as plain data, its ends renamed by `at`. */
const plain = (e: DependencyEdge, at: (key: string) => string) => ({
  from: at(e.from),
  to: at(e.to),
  toName: e.toName,
  inScan: e.inScan,
  symbols: e.symbols.map((s) => s.symbol),
});

describe.skipIf(skipCorpus)("the dependency graph of two Debian trees scanned together", () => {
  const SETS: KernelSet[] = ["amd64", "i386"];
  let root: string;
  const trees: { release: string; alone: ScanResult }[] = [];
  let joint: ScanResult;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "kmodaudit-kernels-graph-"));
    for (const { release, dir } of layOutKernels(root, SETS.map(corpusSet)))
      trees.push({ release, alone: await scan([dir]) });
    joint = await scan([root]);
  }, 600_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("gives every module the dependencies and dependents its tree alone gives it", () => {
    for (const { release, alone } of trees) {
      const at = (key: string) =>
        key.startsWith("table:") ? `table:${release}:${key.slice(6)}` : `lib/modules/${release}/${key}`;
      for (const m of alone.modules) {
        const there = at(m.path);
        expect(joint.graph.dependencies(there).map((e) => plain(e, (k) => k))).toEqual(
          alone.graph.dependencies(m.path).map((e) => plain(e, at)),
        );
        expect(joint.graph.dependents(there).map((e) => e.from)).toEqual(
          alone.graph.dependents(m.path).map((e) => at(e.from)),
        );
      }
    }
  });

  it("joins no module of one kernel to a module of the other", () => {
    let edges = 0;
    for (const m of joint.modules)
      for (const e of joint.graph.dependencies(m.path)) {
        expect(joint.graph.kernelOf(e.to), `${e.from} → ${e.to}`).toBe(m.kernel);
        edges++;
      }
    expect(edges).toBeGreaterThan(joint.modules.length);
  });
});

describe.skipIf(skipCorpus)("deps of a module whose importers are in a tree and in its initramfs", () => {
  const DIRS = ["drivers/dca", "drivers/net/ethernet/intel/igb", "drivers/net/ethernet/intel/ixgbe"];
  let work: string;
  let initrd: string;
  let joint: ScanResult;

  beforeAll(async () => {
    const set = corpusSet("amd64");
    const tree = realpathSync(set.modules);
    work = mkdtempSync(join(tmpdir(), "kmodaudit-deps-initramfs-"));
    const inside = join(work, "root", "lib", "modules", basename(tree), "kernel");
    for (const d of DIRS) {
      mkdirSync(join(inside, d, ".."), { recursive: true });
      cpSync(join(tree, "kernel", d), join(inside, d), { recursive: true });
    }
    initrd = join(work, "initrd.img");
    execFileSync("sh", ["-c", `cd root && find . | cpio -o -H newc --quiet | gzip > ${JSON.stringify(initrd)}`], {
      cwd: work,
    });
    joint = await scan([tree, initrd], { symvers: [set.symvers] });
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("names each importer of dca that is there twice with its path, the others by name alone", () => {
    const view = dependencyView(joint, findModule(joint, "dca")!, "dependents");
    const head = renderDepsTable(view, { width: 2000 }).split("\n")[0]!;
    const dot = renderDepsDot(view);
    const twice = ["igb", "ixgbe"];
    for (const n of view.nodes.slice(1)) {
      const copies = view.nodes.filter((o) => o.name === n.name).length;
      expect(copies, n.name).toBe(twice.includes(n.name) ? 2 : 1);
      if (copies > 1) {
        expect(head).toContain(`${n.name} (${n.path})`);
        expect(dot).toContain(`label="${n.name}\\n${n.path}\\n`);
      } else expect(head).not.toContain(`${n.name} (`);
    }
    expect(view.nodes.some((n) => n.path?.startsWith(`${initrd}!/`))).toBe(true);
  });
});
