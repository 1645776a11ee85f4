import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadExportDatabase } from "../../src/index.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const GLUE = join(SAMPLES, "vendor_glue.ko");
const CLEAN = join(SAMPLES, "gpl_clean.ko");
/** A release the database keeps for good: it only grows. */
const TARGET = "6.12.118+deb12-amd64";

describe("kmodaudit upgrade", () => {
  it("judges a proprietary module using GPL-only symbols: build fails on the target, findings name it, exit 1", () => {
    const r = runCliJson(["upgrade", GLUE, "--to", TARGET]);
    expect(r.status).toBe(1);
    const [m] = r.json.modules;
    expect(m.upgrades).toHaveLength(1);
    expect(m.upgrades[0]).toMatchObject({ to: TARGET, asked: TARGET, verdict: "build-fails" });
    expect(m.upgrades[0].why.length).toBeGreaterThan(0);
    expect(m.findings.map((f: { rule: string }) => f.rule)).toContain("gpl-only-symbol-use");
    for (const f of m.findings) expect(f.message.startsWith(`${TARGET}: `)).toBe(true);
  });

  it("gives one entry per target, in the order asked, a series taken as its newest build of the module's flavour", async () => {
    const r = runCliJson(["upgrade", CLEAN, "--to", TARGET, "--to", "6.12", "--to", "latest"]);
    expect(r.status).toBe(0);
    const db = await loadExportDatabase();
    const amd64 = db.releases
      .map((x) => x.release)
      .filter((x) => x.endsWith("-amd64") && !/-(cloud|rt)-amd64$/.test(x));
    const upgrades = r.json.modules[0].upgrades;
    expect(upgrades.map((u: { asked: string }) => u.asked)).toEqual([TARGET, "6.12", "latest"]);
    expect(amd64).toContain(upgrades[1].to);
    expect(upgrades[1].to.startsWith("6.12.")).toBe(true);
    expect(upgrades[2].to.endsWith("-amd64")).toBe(true);
    for (const u of upgrades) expect(u.verdict).toBe("builds-and-loads");
  });

  it("says a target the database has no build of is not judged, exit 2", () => {
    const r = runCliJson(["upgrade", CLEAN, "--to", "1.0"]);
    expect(r.status).toBe(2);
    expect(r.json.modules[0].upgrades[0]).toMatchObject({ verdict: "not-judged", to: "1.0" });
    expect(r.json.notJudged.map((n: { code: string }) => n.code)).toEqual(["no-upgrade-target"]);
    expect(r.stderr).toContain("--to 1.0");
  });

  it("refuses to run without a target (exit 2)", () => {
    const r = runCli(["upgrade", CLEAN]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--to");
  });

  it("sums up each target under the table", () => {
    const r = runCli(["upgrade", GLUE, CLEAN, "--to", TARGET]);
    expect(r.stdout).toContain(`Upgrade to ${TARGET}: 1 build and load, 1 fail to build; no import changed`);
  });
});

describe("kmodaudit symbol", () => {
  it("gives an export's states and changes as JSON, exit 0", () => {
    const r = runCliJson(["symbol", "ktime_get"]);
    expect(r.status).toBe(0);
    const [h] = r.json.symbols;
    expect(h).toMatchObject({ symbol: "ktime_get", known: true });
    expect(h.states.some((s: { state: { type: string } | null }) => s.state?.type === "EXPORT_SYMBOL_GPL")).toBe(true);
  });

  it("exits 2 for a symbol no release exports, and says so", () => {
    const r = runCli(["symbol", "kmodaudit_no_such_export"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("kmodaudit_no_such_export: exported by no release of the embedded database");
  });
});
