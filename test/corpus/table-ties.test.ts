import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanOptions, type ScanResult } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { corpusSet, type KernelSet, skipCorpus } from "../helpers/corpus.js";

/*
 * Which kernel a table answers for when nothing in its path names a release (issue 18). Two Debian
 * trees are copied (hard links) to directories named A and B, each with its Module.symvers at its
 * top, and the same tables again under tables/ as "one" and "two": a scan of both trees must give
 * every module exactly what its tree alone, with its own table, gives it — through the table found
 * beside each tree, and through the ties of --table-release.
 */
const SETS: [KernelSet, KernelSet] = ["amd64", "i386"];

interface Tree {
  dir: string;
  /** Its Module.symvers, where detection finds it beside the tree. */
  beside: string;
  /** The same table under tables/, where nothing ties it to the tree. */
  loose: string;
  release: string;
  alone: ScanResult;
}

type Module = Pick<ScanResult["modules"][number], "path" | "findings" | "unresolved">;

/** What each module under `prefix` was judged to be: its findings (rule and symbols) and unresolved imports. */
function verdicts(modules: readonly Module[], prefix: string) {
  return new Map(
    modules
      .filter((m) => m.path.startsWith(prefix))
      .map((m) => [
        m.path.slice(prefix.length),
        { findings: m.findings.map((f) => [f.rule, f.symbols]), unresolved: m.unresolved },
      ]),
  );
}

const symversOf = (result: ScanResult, release: string) =>
  result.kernels
    .find((k) => k.release === release)
    ?.sources.filter((s) => s.kind === "symvers")
    .map((s) => s.file);

const options: ScanOptions = { hash: false };

describe.skipIf(skipCorpus)("which kernel a table answers for, with several kernels in one scan", () => {
  let root: string;
  let a: Tree;
  let b: Tree;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "kmodaudit-ties-"));
    mkdirSync(join(root, "tables"));
    const lay = async (set: KernelSet, name: string, loose: string): Promise<Tree> => {
      const { modules, symvers } = corpusSet(set);
      const tree = realpathSync(modules);
      const dir = join(root, name);
      mkdirSync(dir);
      execFileSync("cp", ["-al", join(tree, "kernel"), join(dir, "kernel")]);
      linkSync(join(tree, "modules.order"), join(dir, "modules.order"));
      linkSync(realpathSync(symvers), join(dir, "Module.symvers"));
      linkSync(realpathSync(symvers), join(root, "tables", loose));
      const alone = await scan([dir], options);
      const release = alone.kernels[0]!.release!;
      return { dir, beside: join(dir, "Module.symvers"), loose: join(root, "tables", loose), release, alone };
    };
    a = await lay(SETS[0], "A", "one");
    b = await lay(SETS[1], "B", "two");
  }, 600_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("lays out two kernels whose tables name no release, each tree alone judged against its own table", () => {
    expect(a.release).not.toBe(b.release);
    for (const t of [a, b]) {
      expect(`${realpathSync(t.beside)} ${realpathSync(t.loose)}`).not.toContain(t.release);
      expect(t.alone.kernels).toHaveLength(1);
      expect(symversOf(t.alone, t.release)).toEqual([t.beside]);
      expect(t.alone.modules.length).toBeGreaterThan(1000);
    }
  });

  it("gives a table found beside a tree that names no release to that tree's kernel", async () => {
    const both = await scan([a.dir, b.dir], options);
    for (const t of [a, b]) {
      expect(verdicts(both.modules, `${t.dir}/`)).toEqual(verdicts(t.alone.modules, ""));
      expect(symversOf(both, t.release)).toEqual([t.beside]);
    }
    expect(both.notJudged).toEqual([]);
  }, 120_000);

  it("gives each table the kernel --table-release ties it to (library)", async () => {
    const tableReleases = { [a.loose]: a.release, [b.loose]: b.release };
    const both = await scan([a.dir, b.dir], { ...options, symvers: [a.loose, b.loose], tableReleases });
    for (const t of [a, b]) {
      expect(verdicts(both.modules, `${t.dir}/`)).toEqual(verdicts(t.alone.modules, ""));
      expect(symversOf(both, t.release)).toEqual([t.loose]);
    }
    expect(both.notJudged).toEqual([]);
  }, 120_000);

  it("gives each table the kernel --table-release ties it to (command line, JSON)", () => {
    const r = runCli(
      [
        "scan",
        a.dir,
        b.dir,
        ...["--symvers", a.loose, "--symvers", b.loose],
        ...["--table-release", `${a.loose}=${a.release}`, "--table-release", `${b.loose}=${b.release}`],
        ...["--format", "json", "--no-config"],
      ],
      {},
      root,
    );
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { modules: Module[]; notJudged: unknown[] };
    for (const t of [a, b]) expect(verdicts(json.modules, `${t.dir}/`)).toEqual(verdicts(t.alone.modules, ""));
    expect(json.notJudged).toEqual([]);
  }, 120_000);

  it("judges each tree against the table it is tied to, even another kernel's", async () => {
    const swapped = { [a.loose]: b.release, [b.loose]: a.release };
    const both = await scan([a.dir, b.dir], { ...options, symvers: [a.loose, b.loose], tableReleases: swapped });
    for (const [t, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const crossed = await scan([t.dir], { ...options, symvers: [other.loose] });
      // Another kernel's table gives findings: without them the comparison would show nothing.
      expect(crossed.modules.some((m) => m.findings.length > 0)).toBe(true);
      expect(verdicts(both.modules, `${t.dir}/`)).toEqual(verdicts(crossed.modules, ""));
    }
  }, 240_000);

  it("reports a table tied to a release no kernel of the scan has, and applies it to none", async () => {
    const elsewhere = `${a.release}-not-scanned`;
    const both = await scan([a.dir, b.dir], {
      ...options,
      symvers: [a.loose],
      tableReleases: { [a.loose]: elsewhere },
    });
    const unfit = both.notJudged.filter((n) => n.code === "table-fits-no-kernel");
    expect(unfit.map((n) => n.path)).toEqual([a.loose]);
    expect(unfit[0]!.message).toContain(`tied to ${elsewhere}`);
    expect(both.kernels.flatMap((k) => k.sources).some((s) => s.file === a.loose)).toBe(false);
  }, 120_000);

  it("refuses a tie naming a file that is no table of the scan", async () => {
    await expect(scan([a.dir, b.dir], { ...options, tableReleases: { [a.loose]: a.release } })).rejects.toThrow(
      `${a.loose} is none of the scan's export tables (${a.beside}, ${b.beside})`,
    );
    const r = runCli([
      "scan",
      a.dir,
      "--symvers",
      a.loose,
      "--table-release",
      `${b.loose}=${b.release}`,
      "--no-config",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `--table-release ${b.loose}=${b.release}: ${b.loose} is none of the scan's export tables`,
    );
  });
});
