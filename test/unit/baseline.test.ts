import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseBaseline, PolicyError, recordBaseline, scan, serializeBaseline } from "../../src/index.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../../samples/", import.meta.url));
const SYMVERS = "symvers-6.1.0-56-amd64.gz";

/** Real sample modules copied into a fresh tree (the kernel table beside them is picked up), laid out as `layout` says. */
function tree(
  layout: Record<string, string> = {
    "vendor_glue.ko": "vendor_glue.ko",
    "proprietary_gpl_use.ko": "proprietary_gpl_use.ko",
    "no_license.ko": "no_license.ko",
  },
): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-baseline-"));
  copyFileSync(join(SAMPLES, SYMVERS), join(dir, SYMVERS));
  for (const [to, from] of Object.entries(layout)) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    copyFileSync(join(SAMPLES, from), join(dir, to));
  }
  return dir;
}

const baselineIn = (dir: string) => join(dir, "..", `${dir.split("/").pop()}.baseline.json`);
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

function written(dir: string, justification = "accepted: vendor driver under review in LEGAL-42"): string {
  const file = baselineIn(dir);
  const r = runCli(["baseline", "write", file, dir, "--justification", justification]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return file;
}

function editEntries(
  file: string,
  edit: (entries: { module: string; rule: string; symbols?: string[]; justification?: string }[]) => void,
): void {
  const b = readJson(file);
  edit(b.entries);
  writeFileSync(file, JSON.stringify(b, null, 2));
}

describe("kmodaudit baseline write", () => {
  it("refuses without a justification, says how to give one, and writes nothing", () => {
    const dir = tree();
    const file = baselineIn(dir);
    const r = runCli(["baseline", "write", file, dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /no justification was given .*gpl-only-symbol-use on vendor_glue \(debugfs_create_dir, debugfs_remove, ktime_get\).*Pass --justification TEXT/s,
    );
    expect(existsSync(file)).toBe(false);
  });

  it("records each finding by rule, module name and symbols, sorted, with the justification and a schema version", () => {
    const dir = tree();
    const b = readJson(written(dir, "reviewed in LEGAL-42"));
    expect(b).toEqual({
      schemaVersion: 1,
      kind: "kmodaudit-baseline",
      entries: [
        {
          module: "no_license",
          rule: "gpl-only-symbol-use",
          symbols: ["ktime_get"],
          justification: "reviewed in LEGAL-42",
        },
        { module: "no_license", rule: "missing-license", symbols: [], justification: "reviewed in LEGAL-42" },
        {
          module: "proprietary_gpl_use",
          rule: "gpl-only-symbol-use",
          symbols: ["debugfs_create_dir", "debugfs_create_u32", "debugfs_remove"],
          justification: "reviewed in LEGAL-42",
        },
        {
          module: "vendor_glue",
          rule: "gpl-only-symbol-use",
          symbols: ["debugfs_create_dir", "debugfs_remove", "ktime_get"],
          justification: "reviewed in LEGAL-42",
        },
      ],
    });
  });

  it("writes one symbol per line, and the same bytes when nothing changed", () => {
    const dir = tree();
    const file = written(dir);
    const first = readFileSync(file, "utf8");
    expect(first).toContain(
      '      "symbols": [\n        "debugfs_create_dir",\n        "debugfs_remove",\n        "ktime_get"\n      ],',
    );
    expect(runCli(["baseline", "write", file, dir]).status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(first);
  });

  it("keeps hand-edited justifications when rewritten, and needs a justification only for new findings", () => {
    const dir = tree();
    const file = written(dir);
    editEntries(file, (entries) => {
      entries.find((e) => e.module === "vendor_glue")!.justification = "NVIDIA-style glue; counsel approved 2024-05";
    });
    copyFileSync(join(SAMPLES, "tags_disagree.ko"), join(dir, "tags_disagree.ko"));
    expect(runCli(["baseline", "write", file, dir]).status).toBe(2);
    const r = runCli(["baseline", "write", file, dir, "--justification", "legacy tags, fixed in 2.0"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/2 new, 4 kept/);
    const entries = readJson(file).entries;
    expect(entries.find((e: { module: string }) => e.module === "vendor_glue").justification).toBe(
      "NVIDIA-style glue; counsel approved 2024-05",
    );
    expect(
      entries
        .filter((e: { module: string }) => e.module === "tags_disagree")
        .map((e: { justification: string }) => e.justification),
    ).toEqual(["legacy tags, fixed in 2.0", "legacy tags, fixed in 2.0"]);
  });

  it("refuses to write a baseline from an incomplete audit (exit 2)", () => {
    const dir = tree();
    writeFileSync(join(dir, "cut.ko"), readFileSync(join(SAMPLES, "gpl_clean.ko")).subarray(0, 200));
    const r = runCli(["baseline", "write", baselineIn(dir), dir, "--justification", "x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no baseline written: the audit is incomplete .*cut\.ko/);
  });
});

describe("kmodaudit scan --baseline", () => {
  it("suppresses exactly the baselined findings: nothing left, exit 0", () => {
    const dir = tree();
    const file = written(dir);
    const r = runCliJson(["scan", dir, "--baseline", file]);
    expect(r.status).toBe(0);
    expect(r.json.modules.flatMap((m: { findings: unknown[] }) => m.findings)).toEqual([]);
    expect(r.json.baseline).toEqual({ file, suppressed: 4, narrowed: 0, stale: [] });
    expect(r.json.summary.findings).toEqual({});
  });

  it("suppresses a (rule, module) only for that module: the same finding on another module is still reported (exit 1)", () => {
    const dir = tree();
    const file = written(dir);
    editEntries(file, (entries) =>
      entries.splice(
        entries.findIndex((e) => e.module === "proprietary_gpl_use"),
        1,
      ),
    );
    const r = runCliJson(["scan", dir, "--baseline", file]);
    expect(r.status).toBe(1);
    expect(
      r.json.modules
        .filter((m: { findings: unknown[] }) => m.findings.length)
        .map((m: { name: string; findings: { rule: string }[] }) => [m.name, m.findings.map((f) => f.rule)]),
    ).toEqual([["proprietary_gpl_use", ["gpl-only-symbol-use"]]]);
  });

  it("reports a baselined finding that gained a symbol with only the new symbol", () => {
    const dir = tree();
    const file = written(dir);
    editEntries(file, (entries) => {
      const e = entries.find((x) => x.module === "vendor_glue")!;
      e.symbols = e.symbols!.filter((s) => s !== "ktime_get");
    });
    const r = runCliJson(["scan", dir, "--baseline", file]);
    expect(r.status).toBe(1);
    const glue = r.json.modules.find((m: { name: string }) => m.name === "vendor_glue");
    expect(glue.findings).toEqual([
      expect.objectContaining({
        rule: "gpl-only-symbol-use",
        severity: "error",
        symbols: ["ktime_get"],
        suppressedSymbols: ["debugfs_create_dir", "debugfs_remove"],
        message: expect.stringMatching(/not in the baseline: ktime_get \(2 other symbols are baselined\)$/),
      }),
    ]);
    expect(r.json.baseline).toMatchObject({ suppressed: 3, narrowed: 1, stale: [] });
  });

  it("keys symbol-less findings by rule and module alone", () => {
    const dir = tree({ "no_license.ko": "no_license.ko" });
    const file = baselineIn(dir);
    writeFileSync(
      file,
      serializeBaseline({
        entries: [{ module: "no-license", rule: "missing-license", symbols: [], justification: "old firmware loader" }],
      }),
    );
    const r = runCliJson(["scan", dir, "--baseline", file, "--fail-on", "warning"]);
    expect(r.json.modules[0].findings.map((f: { rule: string }) => f.rule)).toEqual(["gpl-only-symbol-use"]);
    expect(r.json.baseline).toMatchObject({ suppressed: 1, stale: [] });
  });

  it("lists entries that no longer match anything as stale, in JSON and in the table, without failing the gate", () => {
    const dir = tree();
    const file = written(dir);
    editEntries(file, (entries) => {
      entries.push({ module: "removed_driver", rule: "missing-license", justification: "gone since 2.1" });
      entries.find((e) => e.module === "no_license" && e.rule === "gpl-only-symbol-use")!.symbols!.push("old_symbol");
    });
    const r = runCliJson(["scan", dir, "--baseline", file]);
    expect(r.status).toBe(0);
    expect(r.json.baseline.stale).toEqual([
      {
        module: "no_license",
        rule: "gpl-only-symbol-use",
        symbols: ["old_symbol"],
        justification: "accepted: vendor driver under review in LEGAL-42",
      },
      { module: "removed_driver", rule: "missing-license", symbols: [], justification: "gone since 2.1" },
    ]);
    expect(r.stderr).toMatch(/warning: 2 baseline entries match no finding any more/);
    const t = runCli(["scan", dir, "--baseline", file]);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain("stale baseline entry gpl-only-symbol-use on no_license: old_symbol no longer found");
    expect(t.stdout).toContain("stale baseline entry missing-license on removed_driver: finding no longer present");
  });

  it("follows modules by name, not path: the baseline survives moving the tree", () => {
    const dir = tree();
    const file = written(dir);
    const moved = tree({
      "vendor/x86/vendor_glue.ko": "vendor_glue.ko",
      "misc/proprietary_gpl_use.ko": "proprietary_gpl_use.ko",
      "no_license.ko": "no_license.ko",
    });
    const r = runCliJson(["scan", moved, "--baseline", file]);
    expect(r.status).toBe(0);
    expect(r.json.baseline).toMatchObject({ suppressed: 4, stale: [] });
  });

  it("still exits 2 when a file could not be read, whatever the baseline suppresses", () => {
    const dir = tree();
    const file = written(dir);
    writeFileSync(join(dir, "cut.ko"), readFileSync(join(SAMPLES, "gpl_clean.ko")).subarray(0, 200));
    expect(runCli(["scan", dir, "--baseline", file]).status).toBe(2);
  });

  it.each([
    [
      "a missing file",
      (file: string) => file + ".nope",
      /baseline .*\.nope cannot be read \(ENOENT\): create it with: kmodaudit baseline write/,
    ],
    [
      "an entry without a justification",
      (file: string) => {
        editEntries(file, (e) => delete e[0]!.justification);
        return file;
      },
      /"entries\[0\]" has no "justification": say why/,
    ],
    [
      "an unknown rule id",
      (file: string) => {
        editEntries(file, (e) => (e[0]!.rule = "gpl-only-symbols-use"));
        return file;
      },
      /"entries\[0\]\.rule" is not a rule id \(did you mean "gpl-only-symbol-use"\?\)/,
    ],
    [
      "a report instead of a baseline",
      (file: string) => {
        writeFileSync(file, runCliJson(["scan", join(SAMPLES, "no_license.ko")]).stdout);
        return file;
      },
      /is a kmodaudit report, not a baseline/,
    ],
  ])("exits 2 on %s, saying what to fix", (_what, spoil, message) => {
    const dir = tree({ "no_license.ko": "no_license.ko" });
    const file = spoil(written(dir));
    const r = runCli(["scan", dir, "--baseline", file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });
});

describe("baseline library API", () => {
  it("recordBaseline throws a PolicyError without a justification, and parseBaseline reads back what serializeBaseline wrote", async () => {
    const result = await scan([join(SAMPLES, "vendor_glue.ko"), join(SAMPLES, "no_license.ko")], {
      symvers: [join(SAMPLES, SYMVERS)],
      threads: 1,
    });
    expect(() => recordBaseline(result)).toThrow(PolicyError);
    const { baseline } = recordBaseline(result, { justification: "ok" });
    expect(parseBaseline(serializeBaseline(baseline), "b.json")).toEqual(baseline);
  });
});
