import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanResult } from "../../src/index.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";

/*
 * An initramfs beside the tree it came from: the same module files twice in one kernel. They are
 * one kernel (not two), and the copies resolve as one provider: every module is judged as when the
 * tree is scanned alone, and a copy exactly as the file it copies.
 */
const DIRS = ["drivers/dca", "drivers/net/ethernet/intel/igb", "drivers/net/ethernet/intel/ixgbe", "drivers/net/mdio"];

type Module = ScanResult["modules"][number];
const verdict = (m: Module) => ({ findings: m.findings.map((f) => [f.rule, f.symbols]), unresolved: m.unresolved });

describe.skipIf(skipCorpus)("an initramfs copy of a tree's modules, scanned with the tree", () => {
  let work: string;
  let tree: string;
  let alone: ScanResult;
  let joint: ScanResult;
  const copies: Module[] = [];

  beforeAll(async () => {
    const set = corpusSet("amd64");
    tree = realpathSync(set.modules);
    work = mkdtempSync(join(tmpdir(), "kmodaudit-initramfs-copy-"));
    const inside = join(work, "root", "lib", "modules", basename(tree), "kernel");
    for (const d of DIRS) {
      mkdirSync(join(inside, d, ".."), { recursive: true });
      cpSync(join(tree, "kernel", d), join(inside, d), { recursive: true });
    }
    const initrd = join(work, "initrd.img");
    execFileSync("sh", ["-c", `cd root && find . | cpio -o -H newc --quiet | gzip > ${JSON.stringify(initrd)}`], {
      cwd: work,
    });
    const options = { symvers: [set.symvers] };
    alone = await scan([tree], options);
    joint = await scan([tree, initrd], options);
    copies.push(...joint.modules.filter((m) => m.path.startsWith(`${initrd}!/`)));
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("reads the copies as modules of the tree's kernel, one kernel in all", () => {
    expect(copies.length).toBeGreaterThan(DIRS.length);
    expect(joint.kernels.map((k) => k.release)).toEqual([basename(tree)]);
    expect(joint.modules.length).toBe(alone.modules.length + copies.length);
  });

  it("judges every module of the tree as when the tree is scanned alone", () => {
    const before = new Map(alone.modules.map((m) => [join(tree, m.path), verdict(m)]));
    const after = joint.modules.filter((m) => !copies.includes(m));
    expect(after.length).toBe(before.size);
    for (const m of after) expect(verdict(m), m.path).toEqual(before.get(m.path));
  });

  it("judges each copy as the file it copies", () => {
    const original = new Map(joint.modules.map((m) => [m.path, m]));
    for (const c of copies) {
      const of = join(tree, c.path.slice(c.path.indexOf("/kernel/") + 1));
      expect(original.has(of), of).toBe(true);
      expect(verdict(c), c.path).toEqual(verdict(original.get(of)!));
    }
  });

  it("resolves a symbol both copies export to one provider, for the tree's modules and the copies alike", () => {
    const providers = new Map<string, Set<string>>();
    for (const m of joint.modules)
      for (const i of m.imports) {
        if (i.provider?.from !== "scan") continue;
        const seen = providers.get(i.symbol) ?? new Set();
        seen.add(i.provider.path!);
        providers.set(i.symbol, seen);
      }
    const dca = [...providers].filter(([s]) => s.startsWith("dca_"));
    expect(dca.length).toBeGreaterThan(0);
    for (const [symbol, paths] of providers) expect([...paths], symbol).toHaveLength(1);
  });
});
