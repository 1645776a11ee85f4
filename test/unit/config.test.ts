import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig, PolicyError } from "../../src/index.js";
import { BIN } from "../helpers/cli.js";
import { blobsDir, skipCorpus } from "../helpers/corpus.js";

const SAMPLES = fileURLToPath(new URL("../../samples/", import.meta.url));
const SYMVERS = "symvers-6.1.0-56-amd64.gz";

/** Runs the built CLI from `cwd`, where a kmodaudit.config.json may be waiting. */
function runIn(cwd: string, args: readonly string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/**
 * A project directory: modules under modules/ (no table beside them), the kernel table under
 * kernel/, and the given config as kmodaudit.config.json.
 */
function project(config: unknown, modules = ["vendor_glue.ko", "vendor_blob.o_binary"]): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-config-"));
  mkdirSync(join(dir, "modules"));
  mkdirSync(join(dir, "kernel"));
  copyFileSync(join(SAMPLES, SYMVERS), join(dir, "kernel", SYMVERS));
  for (const m of modules) copyFileSync(join(SAMPLES, m), join(dir, "modules", m));
  if (config !== undefined)
    writeFileSync(
      join(dir, "kmodaudit.config.json"),
      typeof config === "string" ? config : JSON.stringify(config, null, 2),
    );
  return dir;
}

const TABLES = { tables: { symvers: [`kernel/${SYMVERS}`] } };

describe("finding the config", () => {
  it("uses kmodaudit.config.json in the current directory", () => {
    const dir = project(TABLES);
    const r = runIn(dir, ["scan", "modules", "--format", "json"]);
    expect(r.json().kernel.sources[0]).toMatchObject({
      kind: "symvers",
      file: `kernel/${SYMVERS}`,
      origin: "explicit",
    });
    expect(r.status).toBe(1);
  });

  it("reads --config FILE from anywhere, resolving its paths against the config's directory", () => {
    const dir = project(TABLES);
    const r = runIn(tmpdir(), [
      "scan",
      join(dir, "modules"),
      "--config",
      join(dir, "kmodaudit.config.json"),
      "--format",
      "json",
    ]);
    expect(r.json().kernel.sources[0]).toMatchObject({ kind: "symvers", file: join(dir, "kernel", SYMVERS) });
    expect(r.json().kernel.gplOnlyKnown).toBe(true);
  });

  it("exits 2 when the --config file does not exist", () => {
    const r = runIn(tmpdir(), ["scan", SAMPLES, "--config", "no-such.config.json"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/config file no-such\.config\.json cannot be read \(ENOENT\): check the --config path/);
  });

  it("ignores the current directory's config with --no-config", () => {
    const dir = project(TABLES);
    const r = runIn(dir, ["scan", "modules", "--no-config", "--no-embedded", "--format", "json"]);
    expect(r.json().kernel.sources).toEqual([]);
    expect(r.json().kernel.gplOnlyKnown).toBe(false);
  });
});

describe("command-line flags override the config", () => {
  it("--fail-on overrides failOn", () => {
    const dir = project({ ...TABLES, failOn: "none" });
    expect(runIn(dir, ["scan", "modules"]).status).toBe(0);
    expect(runIn(dir, ["scan", "modules", "--fail-on", "error"]).status).toBe(1);
  });

  it("--symvers replaces the config's symvers list", () => {
    const dir = project({ tables: { symvers: ["kernel/missing.symvers"] } });
    expect(runIn(dir, ["scan", "modules"]).status).toBe(2); // the config's table cannot be read
    const r = runIn(dir, ["scan", "modules", "--symvers", `kernel/${SYMVERS}`, "--format", "json"]);
    expect(r.status).toBe(1);
    expect(r.json().kernel.sources.map((s: { file: string }) => s.file)).toEqual([`kernel/${SYMVERS}`]);
  });

  it("--baseline replaces, and --no-baseline ignores, the config's baseline", () => {
    const dir = project({ ...TABLES, baseline: "baselines/kmodaudit.json" });
    mkdirSync(join(dir, "baselines"));
    expect(runIn(dir, ["scan", "modules"]).stderr).toMatch(
      /baseline baselines\/kmodaudit\.json cannot be read \(ENOENT\): create it with: kmodaudit baseline write baselines\/kmodaudit\.json/,
    );
    expect(
      runIn(dir, [
        "baseline",
        "write",
        "baselines/kmodaudit.json",
        "modules",
        "--justification",
        "vendor glue, approved",
      ]).status,
    ).toBe(0);
    expect(runIn(dir, ["scan", "modules"]).status).toBe(0);
    expect(runIn(dir, ["scan", "modules", "--no-baseline"]).status).toBe(1);
    writeFileSync(
      join(dir, "empty.json"),
      JSON.stringify({ schemaVersion: 1, kind: "kmodaudit-baseline", entries: [] }),
    );
    expect(runIn(dir, ["scan", "modules", "--baseline", "empty.json"]).status).toBe(1);
  });
});

describe("tables.releases: the release each table belongs to", () => {
  const TIED = { tables: { symvers: [`kernel/${SYMVERS}`], releases: { [`kernel/${SYMVERS}`]: "6.1.0-99-amd64" } } };

  it("parseConfig resolves each table's path against the config's directory", () => {
    const config = parseConfig(JSON.stringify(TIED), "ci/kmodaudit.config.json");
    expect(config.tables.releases).toEqual({ [`ci/kernel/${SYMVERS}`]: "6.1.0-99-amd64" });
  });

  it("ties the config's table to its release, over the release its name says", () => {
    const r = runIn(project(TIED), ["scan", "modules", "--format", "json"]);
    expect(r.json().kernel.release).toBe("6.1.0-99-amd64");
  });

  it("--table-release replaces the config's ties", () => {
    const r = runIn(project(TIED), [
      "scan",
      "modules",
      "--table-release",
      `kernel/${SYMVERS}=6.1.0-98-amd64`,
      "--format",
      "json",
    ]);
    expect(r.json().kernel.release).toBe("6.1.0-98-amd64");
  });

  it("drops the tie of a table that --symvers took out of the scan", () => {
    const dir = project(TIED);
    copyFileSync(join(dir, "kernel", SYMVERS), join(dir, "kernel", "Module.symvers"));
    const r = runIn(dir, ["scan", "modules", "--symvers", "kernel/Module.symvers", "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.json().kernel.release).toBeNull();
  });

  it("exits 2 on a tie to a file that is no table of the scan, naming it", () => {
    const dir = project({ ...TABLES, tables: { ...TABLES.tables, releases: { "kernel/other.symvers": "6.1.0-1" } } });
    const r = runIn(dir, ["scan", "modules"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`other.symvers is none of the scan's export tables (kernel/${SYMVERS})`);
  });
});

describe("strict validation: exit 2 naming the key to fix", () => {
  it.each([
    [
      "an unknown key",
      { tabels: {} },
      /kmodaudit\.config\.json: "tabels" is not a known key \(did you mean "tables"\?\); allowed here: tables, failOn, baseline, rules, blobLicenses/,
    ],
    [
      "an unknown table kind",
      { tables: { "system-map": [] } },
      /"tables\.system-map" is not a known key \(did you mean "systemMap"\?\)/,
    ],
    [
      "a table list given as a string",
      { tables: { symvers: "Module.symvers" } },
      /"tables\.symvers" must be an array of strings, e.g. \["build\/Module\.symvers"\], not string "Module\.symvers"/,
    ],
    [
      "a bad failOn",
      { failOn: "errors" },
      /"failOn" must be one of "error", "warning", "info", "none", not string "errors" \(did you mean "error"\?\)/,
    ],
    [
      "an unknown rule id",
      { rules: { "gpl-only-symbol": "off" } },
      /"rules\.gpl-only-symbol" is not a rule id \(did you mean "gpl-only-symbol-use"\?\); known rules: gpl-only-symbol-use, /,
    ],
    [
      "a bad severity",
      { rules: { "depends-mismatch": "disabled" } },
      /"rules\.depends-mismatch" must be one of "error", "warning", "info", "off"/,
    ],
    [
      "a blob license that is not a string",
      { blobLicenses: { "nv-kernel.o_binary": true } },
      /"blobLicenses\.nv-kernel\.o_binary" must be a string, not boolean true/,
    ],
    ["an empty baseline path", { baseline: "" }, /"baseline" must not be empty/],
    [
      "a table's release that is not a string",
      { tables: { releases: { "Module.symvers": 6 } } },
      /"tables\.releases\.Module\.symvers" must be a string, not number 6/,
    ],
    ["invalid JSON", '{"failOn": "error",}', /kmodaudit\.config\.json: is not valid JSON .*: fix the syntax/],
    ["a top level that is not an object", "[]", /kmodaudit\.config\.json: must be a JSON object, not an array/],
  ])("%s", (_what, config, message) => {
    const dir = project(config);
    const r = runIn(dir, ["scan", "modules"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("parseConfig raises a PolicyError carrying the file and key", () => {
    const e = (() => {
      try {
        parseConfig(JSON.stringify({ rules: { nope: "off" } }), "ci/kmodaudit.config.json");
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(PolicyError);
    expect(e).toMatchObject({ file: "ci/kmodaudit.config.json", key: "rules.nope" });
  });
});

describe("licenses declared for blobs", () => {
  const blobOf = (json: {
    modules: { kind: string; assumedLicense?: string; gplCompatible: unknown; findings: { rule: string }[] }[];
  }) => json.modules.find((m) => m.kind === "blob")!;

  it("judge a blob declared by file name like a module with that license", () => {
    const dir = project({ ...TABLES, blobLicenses: { "vendor_blob.o_binary": "Proprietary" } });
    const blob = blobOf(runIn(dir, ["scan", "modules", "--format", "json"]).json());
    expect(blob).toMatchObject({ assumedLicense: "Proprietary", gplCompatible: { loader: false, modpost: false } });
    expect(blob.findings.map((f) => f.rule)).toEqual(["gpl-only-symbol-use"]);
  });

  it("take precedence over --assume-license, which still covers undeclared blobs", () => {
    const declared = project({ ...TABLES, blobLicenses: { vendor_blob: "GPL" } });
    expect(
      blobOf(runIn(declared, ["scan", "modules", "--assume-license", "Proprietary", "--format", "json"]).json()),
    ).toMatchObject({ assumedLicense: "GPL", findings: [] });
    const other = project({ ...TABLES, blobLicenses: { "other_blob.o_binary": "GPL" } });
    expect(
      blobOf(runIn(other, ["scan", "modules", "--assume-license", "Proprietary", "--format", "json"]).json()),
    ).toMatchObject({ assumedLicense: "Proprietary" });
    expect(blobOf(runIn(other, ["scan", "modules", "--format", "json"]).json())).toMatchObject({
      gplCompatible: { loader: null },
      findings: [{ rule: "blob-uses-gpl-only" }],
    });
  });

  it.skipIf(skipCorpus)(
    "match NVIDIA's real blob by sha256, even in a table report (which otherwise hashes nothing)",
    () => {
      const dir = project(
        { ...TABLES, blobLicenses: { "27391DD9B5734F28E6F003B9BF36CF76D78DB6E7D3E77FBDE07BA7B0DABF9E1D": "NVIDIA" } },
        [],
      );
      const nv = join(blobsDir(), "nv-kernel.o_binary");
      const json = runIn(dir, ["scan", nv, "--format", "json"]).json();
      expect(json.modules).toEqual([
        expect.objectContaining({
          name: "nv_kernel",
          kind: "blob",
          assumedLicense: "NVIDIA",
          gplCompatible: { loader: false, modpost: false },
        }),
      ]);
      expect(runIn(dir, ["scan", nv, "--all"]).stdout).toMatch(/NVIDIA \(assumed\)/);
    },
  );

  it.skipIf(skipCorpus)(
    "by normalised name cover every build of Broadcom's blob; a file-name key covers only that file",
    () => {
      const dir = project({ blobLicenses: { wlc_hybrid: "Broadcom", "wlc_hybrid.o_i386": "Broadcom-i386" } }, []);
      // No kernel table, so every relocatable without .modinfo is a blob (the wl blob imports no kernel export itself).
      const r = runIn(dir, [
        "scan",
        join(blobsDir(), "wlc_hybrid.o_amd64"),
        join(blobsDir(), "wlc_hybrid.o_i386"),
        "--no-detect-tables",
        "--format",
        "json",
      ]);
      expect(
        r
          .json()
          .modules.map((m: { path: string; assumedLicense: string }) => [m.path.split("/").pop(), m.assumedLicense]),
      ).toEqual([
        ["wlc_hybrid.o_amd64", "Broadcom"],
        ["wlc_hybrid.o_i386", "Broadcom-i386"],
      ]);
    },
  );

  it("never apply to a module: the license= of samples/wl's glue stands", () => {
    const dir = project({ blobLicenses: { wl_glue: "MIT" } }, []);
    const r = runIn(dir, ["scan", join(SAMPLES, "wl", "wl_glue.o"), "--no-detect-tables", "--format", "json"]);
    expect(r.json().modules).toEqual([
      expect.objectContaining({
        name: "wl_glue",
        kind: "module",
        gplCompatible: expect.objectContaining({ loader: expect.any(Boolean) }),
      }),
    ]);
    expect(r.json().modules[0].assumedLicense).toBeUndefined();
  });
});
