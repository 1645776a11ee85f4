import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dependencyView, findModules, scan, type ScanResult } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { layOutKernels } from "../helpers/kernel-root.mjs";
import { CORPUS_DIR, corpusSet, type KernelSet, skipCorpus } from "../helpers/corpus.js";

/*
 * Several kernels in one scan (design.md: a kernel is the unit of resolution). The four Debian
 * trees are laid out as a system's root holds them, ROOT/lib/modules/<release>/ with each tree's
 * table at build/Module.symvers (hard links into the corpus: the walk follows no symlink it meets),
 * and scanned at once: every module must get exactly what it gets when its tree is scanned alone.
 */
const SETS: KernelSet[] = ["amd64", "amd64xz", "i386", "s390x"];

interface Tree {
  release: string;
  dir: string;
  alone: ScanResult;
}

/** What a module was judged to be: its findings (rule and symbols) and unresolved imports. */
const verdict = (m: ScanResult["modules"][number]) => ({
  findings: m.findings.map((f) => [f.rule, f.symbols]),
  unresolved: m.unresolved,
});

function verdicts(result: ScanResult, prefix: string): Map<string, ReturnType<typeof verdict>> {
  return new Map(
    result.modules.filter((m) => m.path.startsWith(prefix)).map((m) => [m.path.slice(prefix.length), verdict(m)]),
  );
}

describe.skipIf(skipCorpus)("several kernels in one scan: each module judged against its own kernel", () => {
  let root: string;
  const trees: Tree[] = [];
  let joint: ScanResult;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "kmodaudit-kernels-"));
    for (const { release, dir } of layOutKernels(root, SETS.map(corpusSet))) {
      trees.push({ release, dir, alone: await scan([dir]) });
    }
    joint = await scan([root]);
  }, 600_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("gives every module the findings and unresolved imports its tree alone gives it", () => {
    for (const t of trees) {
      const prefix = `lib/modules/${t.release}/`;
      expect(verdicts(joint, prefix)).toEqual(verdicts(t.alone, ""));
    }
    expect(joint.modules.length).toBe(trees.reduce((n, t) => n + t.alone.modules.length, 0));
  });

  it("names each module's kernel: its tree's release", () => {
    for (const m of joint.modules) expect(m.kernel, m.path).toBe(/^lib\/modules\/([^/]+)\//.exec(m.path)![1]);
  });

  it("lists each kernel, sorted by release, with its own table and its module count", () => {
    const sorted = [...trees].sort((a, b) => (a.release < b.release ? -1 : 1));
    expect(joint.kernels.map((k) => k.release)).toEqual(sorted.map((t) => t.release));
    for (const t of sorted) {
      const k = joint.kernels.find((x) => x.release === t.release)!;
      expect(k.modules).toBe(t.alone.modules.length);
      expect(k.exports).toBe(t.alone.kernel.exports);
      expect(k.sources.filter((s) => s.kind === "symvers").map((s) => s.file)).toEqual([
        join(t.dir, "build", "Module.symvers"),
      ]);
    }
    expect(joint.kernel.release).toBeNull();
    expect(joint.notJudged).toEqual([]);
  });

  it("finds a module of one name once per kernel, and its dependencies only within its kernel", () => {
    const found = findModules(joint, "ext4");
    expect(found.map((m) => m.kernel)).toEqual(joint.kernels.map((k) => k.release));
    for (const m of found) {
      const view = dependencyView(joint, m, "dependencies");
      const scanned = view.nodes.filter((n) => n.path !== null).map((n) => n.path!);
      expect(scanned.length).toBeGreaterThan(1); // ext4 needs jbd2 and mbcache, scanned beside it
      for (const path of scanned) expect(path.startsWith(`lib/modules/${m.kernel}/`), path).toBe(true);
    }
  });

  it("deps asks which kernel when the name is in several, and shows the one --kernel names", () => {
    const [a, b] = trees.filter((t) => t.release.includes("6.1.0-57"));
    const trees2 = ["--tree", a!.dir, "--tree", b!.dir];
    const ask = runCli(["deps", "ext4", ...trees2]);
    expect(ask.status).toBe(2);
    expect(ask.stderr).toContain(
      `"ext4" is in several kernels of the scan (${[a!.release, b!.release].sort().join(", ")})`,
    );
    const one = runCli(["deps", "ext4", ...trees2, "--kernel", b!.release, "--format", "json"]);
    expect(one.status, one.stderr).toBe(0);
    const view = JSON.parse(one.stdout) as { nodes: { path: string | null }[] };
    const paths = view.nodes.map((n) => n.path).filter((p): p is string => p !== null);
    expect(paths.length).toBeGreaterThan(1);
    for (const p of paths) expect(p.startsWith(`${b!.dir}/`), p).toBe(true);
  }, 120_000);

  it("does the same for two trees given as two paths", async () => {
    const [a, b] = trees.filter((t) => t.release.includes("6.1.0-57"));
    const both = await scan([a!.dir, b!.dir]);
    for (const t of [a!, b!]) {
      expect(verdicts(both, `${t.dir}/`)).toEqual(verdicts(t.alone, ""));
      expect(both.modules.filter((m) => m.path.startsWith(`${t.dir}/`)).every((m) => m.kernel === t.release)).toBe(
        true,
      );
    }
  }, 120_000);

  it("applies a table of no kernel of the scan to none, and says so", async () => {
    const [a, b, c] = trees.filter((t) => t.release.includes("6.1.0-5"));
    const table = join(c!.dir, "build", "Module.symvers");
    const result = await scan([a!.dir, b!.dir], { symvers: [table] });
    expect(result.notJudged.filter((n) => n.code === "table-fits-no-kernel").map((n) => n.path)).toEqual([table]);
    expect(result.kernels.flatMap((k) => k.sources).some((s) => s.file === table)).toBe(false);
  }, 120_000);

  it("does the same for linux-image packages scanned together, and in an image (the embedded database)", async () => {
    const dir = join(CORPUS_DIR, "debs");
    const debs = readdirSync(dir)
      .filter((f) => /^linux-image-.*-(s390x|686-pae-unsigned)_.*\.deb$/.test(f))
      .map((f) => join(dir, f));
    expect(debs).toHaveLength(2);
    const together = await scan(debs);
    // The same packages in an installer image made by xorriso: one file, the kernels inside it.
    const dvd = join(root, "dvd");
    mkdirSync(join(dvd, "pool"), { recursive: true });
    for (const deb of debs) linkSync(deb, join(dvd, "pool", basename(deb)));
    const iso = join(root, "installer.iso");
    execFileSync("xorriso", ["-as", "mkisofs", "-R", "-J", "-quiet", "-o", iso, dvd], { stdio: "ignore" });
    const image = await scan([iso]);
    for (const deb of debs) {
      const alone = await scan([deb]);
      const release = alone.kernels[0]!.release;
      const inside: [ScanResult, string][] = [
        [together, `${deb}!/`],
        [image, `${iso}!/pool/${basename(deb)}!/`],
      ];
      for (const [joint, prefix] of inside) {
        expect(verdicts(joint, prefix)).toEqual(verdicts(alone, `${deb}!/`));
        const mine = joint.modules.filter((m) => m.path.startsWith(prefix));
        expect(mine.length).toBe(alone.modules.length);
        expect(mine.every((m) => m.kernel === release)).toBe(true);
      }
    }
    expect(together.kernels).toHaveLength(2);
    expect(image.kernels).toHaveLength(2);
  }, 300_000);
});
