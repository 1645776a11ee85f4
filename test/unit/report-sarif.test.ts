import { spawnSync } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { FINGERPRINT_KEY, RULES, type RuleId } from "../../src/index.js";
import { artifactLocation } from "../../src/report/artifact-uri.js";
import { runCli } from "../helpers/cli.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SAMPLES = join(REPO, "samples");
const SYMVERS = join(SAMPLES, "symvers-6.1.0-56-amd64.gz");
const HOSTILE = join(REPO, "test/hostile/files");
const MULTITOOL_DIR = join(REPO, "node_modules/@microsoft/sarif-multitool-linux");
const MULTITOOL = join(MULTITOOL_DIR, "Sarif.Multitool");

// biome-ignore lint/suspicious/noExplicitAny: SARIF logs are read as plain JSON
type Sarif = any;

/** The official SARIF 2.1.0 schema (the copy the multitool ships), compiled once. */
function schemaValidator() {
  const Ajv2020 = require("ajv/dist/2020").default;
  const addFormats = require("ajv-formats").default;
  // The schema's patterns are not valid in Ajv's default unicode regex mode.
  const ajv = new Ajv2020({ allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(MULTITOOL_DIR, "sarif-2.1.0.json"), "utf8")));
}

let validateSchema: ReturnType<typeof schemaValidator>;

beforeAll(() => {
  validateSchema = schemaValidator();
  // npm 11 does not run install scripts, so the package's own `chmod u+x` may never have happened.
  try {
    accessSync(MULTITOOL, constants.X_OK);
  } catch {
    chmodSync(MULTITOOL, statSync(MULTITOOL).mode | 0o100);
  }
});

/** Schema errors, as Ajv words them (empty when valid). */
function schemaErrors(log: Sarif): string[] {
  return validateSchema(log)
    ? []
    : (validateSchema.errors ?? []).map(
        (e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`,
      );
}

/**
 * What Microsoft's SARIF multitool `validate` reports at warning or error level (its default
 * levels), as "RULE: location". Globalization-invariant mode lets it run without libicu.
 */
function multitoolProblems(sarifText: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-sarif-"));
  writeFileSync(join(dir, "log.sarif"), sarifText);
  // Its default size limit (10,000 KB) would skip a whole Debian tree's log instead of checking it.
  const r = spawnSync(
    MULTITOOL,
    [
      "validate",
      join(dir, "log.sarif"),
      "--output",
      join(dir, "validation.sarif"),
      "--log",
      "ForceOverwrite",
      "--max-file-size-in-kb",
      "200000",
    ],
    {
      encoding: "utf8",
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
    },
  );
  if (r.status !== 0) throw new Error(`multitool failed (${r.status}): ${r.stdout}${r.stderr}`);
  const validation = JSON.parse(readFileSync(join(dir, "validation.sarif"), "utf8"));
  const results: Sarif[] = validation.runs[0].results ?? [];
  const notifications: Sarif[] = validation.runs[0].invocations?.[0]?.toolExecutionNotifications ?? [];
  return [
    ...results.map((x) => `${x.ruleId}: ${x.message.arguments?.[0] ?? x.message.text}`),
    ...notifications.filter((n) => n.level === "error").map((n) => `tool: ${n.message.text}`),
  ];
}

function sarifOf(args: string[]): { status: number | null; text: string; log: Sarif } {
  const r = runCli(["scan", ...args, "--format", "sarif"]);
  return { status: r.status, text: r.stdout, log: JSON.parse(r.stdout) };
}

const results = (log: Sarif): Sarif[] => log.runs[0].results;

describe("SARIF for the samples scan", () => {
  let samples: ReturnType<typeof sarifOf>;
  beforeAll(() => {
    samples = sarifOf([SAMPLES]);
  });

  it("is valid against the official SARIF 2.1.0 schema", () => {
    expect(schemaErrors(samples.log)).toEqual([]);
  });

  it("is clean under Microsoft's SARIF multitool validator", () => {
    expect(multitoolProblems(samples.text)).toEqual([]);
  });

  it("the validator harness does report a broken log (so a clean result means something)", () => {
    const broken = structuredClone(samples.log);
    broken.runs[0].results[0].locations[0].physicalLocation.artifactLocation = {
      uri: "file:///abs/x.ko",
      uriBaseId: "%SRCROOT%",
    }; // absolute, yet with a base
    expect(multitoolProblems(JSON.stringify(broken)).join("\n")).toMatch(/SARIF1004/);
  });

  it("describes the tool and every rule id once, with help, a docs link and the default level", () => {
    const driver = samples.log.runs[0].tool.driver;
    expect(driver).toMatchObject({
      name: "kmodaudit",
      informationUri: "https://github.com/kmodaudit/kmodaudit",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(driver.rules.map((r: Sarif) => r.id)).toEqual(Object.keys(RULES));
    const level = { error: "error", warning: "warning", info: "note" } as const;
    for (const rule of driver.rules) {
      const meta = RULES[rule.id as RuleId];
      expect(rule.shortDescription.text).toBe(meta.title);
      expect(rule.fullDescription.text).toBe(meta.help);
      expect(rule.help.text).toBe(meta.help);
      expect(rule.helpUri).toBe(`https://github.com/kmodaudit/kmodaudit/blob/main/docs/rules.md#${rule.id}`);
      expect(rule.defaultConfiguration.level).toBe(level[meta.severity]);
    }
  });

  it("every helpUri anchor is a section of docs/rules.md", () => {
    const headings = new Set(
      [...readFileSync(join(REPO, "docs/rules.md"), "utf8").matchAll(/^## (\S+)$/gm)].map((m) => m[1]),
    );
    for (const rule of samples.log.runs[0].tool.driver.rules)
      expect(headings).toContain(new URL(rule.helpUri).hash.slice(1));
  });

  it("has one result per finding of the JSON report, with the finding's rule, level and symbols", () => {
    const json = JSON.parse(runCli(["scan", SAMPLES, "--format", "json"]).stdout);
    const expected = json.modules.flatMap((m: Sarif) =>
      m.findings.map((f: Sarif) => [
        f.rule,
        { error: "error", warning: "warning", info: "note" }[f.severity as string],
        f.symbols,
      ]),
    );
    expect(results(samples.log).map((r) => [r.ruleId, r.level, r.properties.symbols])).toEqual(expected);
    for (const r of results(samples.log)) expect(samples.log.runs[0].tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it("locates a result at the module file (absolute when the scanned directory is) and names the module", () => {
    const shim = results(samples.log).find((r) => r.ruleId === "gpl-shim-reexport");
    expect(shim.locations[0].physicalLocation.artifactLocation).toEqual({ uri: `file://${SAMPLES}/shim/gpl_shim.ko` });
    expect(shim.locations[0].logicalLocations).toEqual([{ name: "gpl_shim", kind: "module" }]);
    expect(shim.properties.chains).toEqual([
      ["proprietary_shim_user", "gpl_shim", "shim_debugfs_dir", "debugfs_create_dir"],
      ["proprietary_shim_user", "gpl_shim", "shim_debugfs_remove", "debugfs_remove"],
    ]);
  });

  it("a relative scan gives relative locations against %SRCROOT%, a base it describes", () => {
    const r = spawnSync(process.execPath, [join(REPO, "bin/kmodaudit"), "scan", "samples", "--format", "sarif"], {
      cwd: REPO,
      encoding: "utf8",
    });
    const log = JSON.parse(r.stdout);
    const shim = results(log).find((x) => x.ruleId === "gpl-shim-reexport");
    expect(shim.locations[0].physicalLocation.artifactLocation).toEqual({
      uri: "samples/shim/gpl_shim.ko",
      uriBaseId: "%SRCROOT%",
    });
    expect(log.runs[0].originalUriBaseIds["%SRCROOT%"].description.text).toMatch(/directory kmodaudit was run in/);
    expect(multitoolProblems(r.stdout)).toEqual([]);
  });

  it("records a successful execution and the kernel table used", () => {
    expect(samples.log.runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    expect(samples.log.runs[0].properties.kernel).toMatchObject({
      gplOnlyKnown: true,
      release: "6.1.0-56-amd64",
      sources: [
        { kind: "symvers", file: SYMVERS },
        { kind: "modules", file: SAMPLES },
      ],
    });
  });

  it("is byte-for-byte the same on a second run: no timestamps, nothing from the schedule", () => {
    expect(runCli(["scan", SAMPLES, "--format", "sarif"]).stdout).toBe(samples.text);
  });

  it("exits like every other format: 1 for error findings", () => {
    expect(samples.status).toBe(1);
  });
});

describe("SARIF for a scan with unreadable files", () => {
  let hostile: ReturnType<typeof sarifOf>;
  beforeAll(() => {
    hostile = sarifOf([HOSTILE]);
  });

  it("is valid against the schema and clean under the multitool", () => {
    expect(schemaErrors(hostile.log)).toEqual([]);
    expect(multitoolProblems(hostile.text)).toEqual([]);
  });

  it("marks the execution unsuccessful, with one error notification per unreadable file at that file", () => {
    const json = JSON.parse(runCli(["scan", HOSTILE, "--format", "json"]).stdout);
    const invocation = hostile.log.runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    const errors = invocation.toolExecutionNotifications.filter((n: Sarif) => n.level === "error");
    expect(errors).toHaveLength(json.errors.length);
    const first = json.errors[0];
    expect(errors[0]).toMatchObject({
      descriptor: { id: "file-error" },
      message: { text: `${first.path}: ${first.message}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: `file://${HOSTILE}/${first.path}` } } }],
      properties: { structure: first.structure, offset: first.offset },
    });
    expect(hostile.status).toBe(2);
  });

  it("warns that GPL-only kernel exports were unknown when no kernel table was found", () => {
    const { log } = sarifOf([HOSTILE, "--no-embedded"]);
    const warnings = log.runs[0].invocations[0].toolExecutionNotifications.filter((n: Sarif) => n.level === "warning");
    expect(warnings.map((n: Sarif) => n.descriptor.id)).toEqual(["gpl-only-exports-unknown"]);
  });

  it("makes control characters from binaries visible in messages", () => {
    const evil = results(hostile.log).find((r) => r.locations[0].logicalLocations[0].name.startsWith("evil"));
    expect(evil.message.text).not.toMatch(/[\u0000-\u001f]/);
    expect(evil.message.text).toContain("\\x1b");
  });
});

describe("fingerprints", () => {
  const byFinding = (log: Sarif) =>
    Object.fromEntries(
      results(log).map((r) => [
        `${r.ruleId} ${r.locations[0].logicalLocations[0].name}`,
        r.partialFingerprints[FINGERPRINT_KEY],
      ]),
    );

  it("are distinct for the distinct findings of a scan", () => {
    const prints = Object.values(byFinding(sarifOf([SAMPLES]).log));
    expect(new Set(prints).size).toBe(prints.length);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
  });

  it("do not depend on the order of the paths, how they are spelt, or the worker threads", async () => {
    const a = byFinding(sarifOf(["--symvers", SYMVERS, join(SAMPLES, "taint"), join(SAMPLES, "shim")]).log);
    const b = byFinding(sarifOf(["--symvers", SYMVERS, join(SAMPLES, "shim"), join(SAMPLES, "taint")]).log);
    const whole = byFinding(sarifOf([SAMPLES]).log);
    expect(Object.keys(a).sort()).toEqual([
      "gpl-shim-reexport gpl_shim",
      "inherits-proprietary-taint gpl_taint_info",
      "proprietary-taint-inherited gpl_taint_user",
    ]);
    expect(b).toEqual(a);
    for (const [k, v] of Object.entries(a)) expect(whole[k]).toBe(v);

    // The built library, whose pool really uses worker threads (from src it reads files in-process).
    const lib = await import(join(REPO, "dist/index.js"));
    const one = await lib.scan([SAMPLES], { threads: 1 });
    const three = await lib.scan([SAMPLES], { threads: 3 });
    expect(byFinding(lib.toSarif(three, { root: SAMPLES }))).toEqual(byFinding(lib.toSarif(one, { root: SAMPLES })));
    expect(byFinding(lib.toSarif(one, { root: SAMPLES }))).toEqual(whole);
  });

  it("follow the module, not its file: a renamed copy elsewhere keeps them", () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-sarif-moved-"));
    mkdirSync(join(dir, "elsewhere"));
    copyFileSync(join(SAMPLES, "proprietary_gpl_use.ko"), join(dir, "elsewhere", "renamed.ko"));
    const moved = results(sarifOf(["--symvers", SYMVERS, dir]).log)[0];
    const original = results(sarifOf([SAMPLES]).log).find(
      (r) => r.ruleId === "gpl-only-symbol-use" && r.locations[0].logicalLocations[0].name === "proprietary_gpl_use",
    );
    expect(moved.locations[0].physicalLocation.artifactLocation.uri).toBe(`file://${dir}/elsewhere/renamed.ko`);
    expect(moved.partialFingerprints).toEqual(original.partialFingerprints);
  });
});

describe("artifact locations", () => {
  it("a relative path is a relative reference against the working directory, prefixed with the scanned directory", () => {
    expect(artifactLocation("shim/gpl_shim.ko", "samples")).toEqual({
      uri: "samples/shim/gpl_shim.ko",
      uriBaseId: "%SRCROOT%",
    });
    expect(artifactLocation("shim/gpl_shim.ko", "./samples/")).toEqual({
      uri: "samples/shim/gpl_shim.ko",
      uriBaseId: "%SRCROOT%",
    });
    expect(artifactLocation("x.ko", ".")).toEqual({ uri: "x.ko", uriBaseId: "%SRCROOT%" });
    expect(artifactLocation("../mods/x.ko")).toEqual({ uri: "../mods/x.ko", uriBaseId: "%SRCROOT%" });
  });

  it("an absolute path is a file URI with no base", () => {
    expect(artifactLocation("kernel/fs/x.ko.xz", "/lib/modules/6.1.0-56-amd64")).toEqual({
      uri: "file:///lib/modules/6.1.0-56-amd64/kernel/fs/x.ko.xz",
    });
  });

  it("container members keep the !/ separators; every other reserved character is percent-encoded", () => {
    expect(artifactLocation("a.deb!/data.tar.xz!/lib/modules/6.1/x.ko", "debs")).toEqual({
      uri: "debs/a.deb!/data.tar.xz!/lib/modules/6.1/x.ko",
      uriBaseId: "%SRCROOT%",
    });
    expect(artifactLocation("we ird#1?%.tar!/a:b/c[1].ko").uri).toBe("we%20ird%231%3F%25.tar!/a%3Ab/c%5B1%5D.ko");
  });

  it("a member named . or .. cannot climb out of its container when the URI is resolved", () => {
    expect(artifactLocation("evil.tar!/../../etc/x.ko").uri).toBe("evil.tar!/%2E%2E/%2E%2E/etc/x.ko");
    expect(artifactLocation("evil.tar!/./x.ko").uri).toBe("evil.tar!/%2E/x.ko");
  });

  it("broken UTF-16 in a name (possible in strings from binaries) still gives a valid URI", () => {
    expect(artifactLocation("bad\ud800name.ko").uri).toBe("bad%EF%BF%BDname.ko");
  });

  it("a real archive member's location is a valid URI reference that decodes back to the report path", () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-sarif-tar-"));
    mkdirSync(join(dir, "src", "odd dir"), { recursive: true });
    mkdirSync(join(dir, "scan"));
    copyFileSync(join(SAMPLES, "proprietary_gpl_use.ko"), join(dir, "src", "odd dir", "p#1%.ko"));
    expect(spawnSync("tar", ["-czf", join(dir, "scan", "pkg.tar.gz"), "-C", join(dir, "src"), "odd dir"]).status).toBe(
      0,
    );
    const { log, text } = sarifOf(["--symvers", SYMVERS, join(dir, "scan")]);
    const json = JSON.parse(runCli(["scan", "--symvers", SYMVERS, join(dir, "scan"), "--format", "json"]).stdout);
    expect(json.modules.map((m: Sarif) => m.path)).toEqual(["pkg.tar.gz!/odd dir/p#1%.ko"]);
    const uri = results(log)[0].locations[0].physicalLocation.artifactLocation.uri;
    expect(uri).toBe(`file://${dir}/scan/pkg.tar.gz!/odd%20dir/p%231%25.ko`);
    expect(decodeURIComponent(uri)).toBe(`file://${join(dir, "scan")}/${json.modules[0].path}`);
    expect(schemaErrors(log)).toEqual([]);
    expect(multitoolProblems(text)).toEqual([]);
  });
});

describe("policy in SARIF", () => {
  it("per-rule severities from the config are recorded as rule configuration overrides of the run", () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-sarif-policy-"));
    copyFileSync(join(SAMPLES, "tags_disagree.ko"), join(dir, "tags_disagree.ko"));
    const config = join(dir, "kmodaudit.config.json");
    writeFileSync(
      config,
      JSON.stringify({ rules: { "gpl-only-symbol-use": "warning", "license-tags-disagree": "off" } }),
    );
    const { log, text } = sarifOf(["--symvers", SYMVERS, "--config", config, join(dir, "tags_disagree.ko")]);
    expect(log.runs[0].invocations[0].ruleConfigurationOverrides).toEqual([
      { descriptor: { id: "gpl-only-symbol-use", index: 0 }, configuration: { level: "warning" } },
      { descriptor: { id: "license-tags-disagree", index: 2 }, configuration: { enabled: false } },
    ]);
    expect(results(log).map((r) => [r.ruleId, r.level])).toEqual([["gpl-only-symbol-use", "warning"]]);
    expect(schemaErrors(log)).toEqual([]);
    expect(multitoolProblems(text)).toEqual([]);
  });
});

describe.skipIf(skipCorpus)("SARIF for a real Debian tree", () => {
  it("6.1 amd64 modules checked against the 6.12 table (thousands of results) are valid, clean and distinctly fingerprinted", () => {
    const old = corpusSet("amd64");
    const next = corpusSet("amd64xz");
    const { log, text } = sarifOf(["--symvers", next.symvers, old.modules]);
    const rs = results(log);
    expect(rs.length).toBeGreaterThan(8_000);
    // The tree's own build/Module.symvers is not consulted once a table is named: imports 6.12 no
    // longer exports are unresolved, as the loader would find them.
    expect(new Set(rs.map((r) => r.ruleId))).toEqual(
      new Set([
        "symbol-version-mismatch",
        "unresolved-symbol",
        "vermagic-mismatch",
        "missing-namespace-import",
        "depends-mismatch",
      ]),
    );
    expect(new Set(rs.map((r) => r.partialFingerprints[FINGERPRINT_KEY])).size).toBe(rs.length);
    expect(schemaErrors(log)).toEqual([]);
    expect(multitoolProblems(text)).toEqual([]);
  });
});
