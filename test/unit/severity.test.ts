import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { applyPolicy, applySeverity, effectiveSeverity, scan, serializeBaseline } from "../../src/index.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../../samples/", import.meta.url));
const SYMVERS = "symvers-6.1.0-56-amd64.gz";

/**
 * proprietary_gpl_use.ko (gpl-only-symbol-use, error) and tags_disagree.ko (gpl-only-symbol-use,
 * error, and license-tags-disagree, warning), with the rule severities given in a config file.
 */
function setup(rules: Record<string, string>): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-severity-"));
  for (const f of [SYMVERS, "proprietary_gpl_use.ko", "tags_disagree.ko"]) copyFileSync(join(SAMPLES, f), join(dir, f));
  const config = join(dir, "..", `${dir.split("/").pop()}.config.json`);
  writeFileSync(config, JSON.stringify({ rules }));
  return { dir, config };
}

type Json = {
  modules: { name: string; findings: { rule: string; severity: string }[] }[];
  rules: Record<string, { severity: string }>;
  summary: { findings: Record<string, number> };
};
const findingsOf = (json: Json) =>
  json.modules.flatMap((m) => m.findings.map((f) => `${m.name} ${f.rule} ${f.severity}`));

describe("per-rule severity from the config", () => {
  it('"off" removes the rule\'s findings from every report, and a failing gate passes', () => {
    const { dir, config } = setup({ "gpl-only-symbol-use": "off" });
    expect(runCli(["scan", dir]).status).toBe(1);
    const r = runCliJson(["scan", dir, "--config", config]);
    expect(r.status).toBe(0);
    expect(findingsOf(r.json)).toEqual(["tags_disagree license-tags-disagree warning"]);
    expect(r.json.summary.findings).toEqual({ "license-tags-disagree": 1 });
    expect(r.json.rules["gpl-only-symbol-use"].severity).toBe("off");
    expect(runCli(["scan", dir, "--config", config]).stdout).not.toContain("gpl-only-symbol-use");
  });

  it('"info" downgrades an error: the default gate passes, --fail-on info still fails', () => {
    const { dir, config } = setup({ "gpl-only-symbol-use": "info", "license-tags-disagree": "info" });
    const r = runCliJson(["scan", dir, "--config", config]);
    expect(r.status).toBe(0);
    expect(findingsOf(r.json)).toEqual([
      "proprietary_gpl_use gpl-only-symbol-use info",
      "tags_disagree gpl-only-symbol-use info",
      "tags_disagree license-tags-disagree info",
    ]);
    expect(runCli(["scan", dir, "--config", config, "--fail-on", "info"]).status).toBe(1);
    expect(runCli(["scan", dir, "--config", config]).stdout).toContain("info gpl-only-symbol-use:");
  });

  it("raising a warning to error makes it fail the default gate", () => {
    const { dir, config } = setup({ "gpl-only-symbol-use": "off", "license-tags-disagree": "error" });
    const r = runCliJson(["scan", dir, "--config", config]);
    expect(r.status).toBe(1);
    expect(findingsOf(r.json)).toEqual(["tags_disagree license-tags-disagree error"]);
    expect(r.json.rules["license-tags-disagree"].severity).toBe("error");
  });

  it("an off rule's findings are not recorded by baseline write, and its baseline entries are not stale", () => {
    const { dir, config } = setup({ "license-tags-disagree": "off" });
    const file = join(dir, "..", `${dir.split("/").pop()}.baseline.json`);
    expect(runCli(["baseline", "write", file, dir, "--config", config, "--justification", "legacy"]).status).toBe(0);
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.entries.map((e: { rule: string }) => e.rule)).toEqual([
      "gpl-only-symbol-use",
      "gpl-only-symbol-use",
    ]);
    writeFileSync(
      file,
      serializeBaseline({
        entries: [
          ...written.entries,
          { module: "tags_disagree", rule: "license-tags-disagree", symbols: [], justification: "tags fixed in 2.0" },
        ],
      }),
    );
    const r = runCliJson(["scan", dir, "--config", config, "--baseline", file]);
    expect(r.status).toBe(0);
    expect(r.json.baseline).toMatchObject({ suppressed: 3, stale: [] });
  });
});

describe("severity policy in the library", () => {
  it("applySeverity leaves the input alone and rules without an override as they were", async () => {
    const result = await scan([join(SAMPLES, "tags_disagree.ko")], { symvers: [join(SAMPLES, SYMVERS)], threads: 1 });
    const before = JSON.stringify(result.modules.map((m) => m.findings));
    const changed = applySeverity(result, { "gpl-only-symbol-use": "warning" });
    expect(JSON.stringify(result.modules.map((m) => m.findings))).toBe(before);
    expect(changed.modules[0]!.findings.map((f) => `${f.rule} ${f.severity}`)).toEqual([
      "gpl-only-symbol-use warning",
      "license-tags-disagree warning",
    ]);
    expect(effectiveSeverity(changed, "gpl-only-symbol-use")).toBe("warning");
    expect(effectiveSeverity(changed, "license-tags-disagree")).toBe("warning");
    expect(effectiveSeverity(result, "gpl-only-symbol-use")).toBe("error");
  });

  it("applyPolicy matches the baseline against the rules' own findings before severities drop any", async () => {
    const result = await scan([join(SAMPLES, "tags_disagree.ko")], { symvers: [join(SAMPLES, SYMVERS)], threads: 1 });
    const baseline = {
      entries: [{ module: "tags_disagree", rule: "license-tags-disagree" as const, symbols: [], justification: "x" }],
    };
    const out = applyPolicy(result, {
      baseline: { file: "b.json", baseline },
      severity: { "license-tags-disagree": "off" },
    });
    expect(out.baseline).toEqual({ file: "b.json", suppressed: 1, narrowed: 0, stale: [] });
  });
});
