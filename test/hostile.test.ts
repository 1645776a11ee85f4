import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIMITS,
  FormatError,
  inspectBytes,
  inspectInput,
  renderJson,
  renderTable,
  scan,
} from "../src/index.js";
// The one internal on purpose: which of the two entry points a file is meant for, as its plain
// bytes say (an archive goes to inspectInput, anything else, compressed archives too, to inspectBytes).
import { sniffArchive } from "../src/bytes/archive.js";
import { runCli } from "./helpers/cli.js";

const DIR = fileURLToPath(new URL("./hostile/files", import.meta.url));
type Expect = { error: string } | { outcome: "facts" | "skipped" | "container" } | { either: true };
const MANIFEST: { file: string; expect: Expect; why: string }[] = JSON.parse(
  readFileSync(new URL("./hostile/manifest.json", import.meta.url), "utf8"),
);

/*
 * One regression test per hand-made hostile file (test/hostile/make.mjs writes them): each ends in
 * facts, a skip, or a FormatError naming the structure that failed — never another exception.
 */
describe("hostile inputs", () => {
  it.each(MANIFEST.map((m) => [m.file, m.why, m.expect] as const))("%s (%s)", async (file, _why, expected) => {
    let outcome: string;
    let error: unknown;
    const bytes = readFileSync(`${DIR}/${file}`);
    try {
      if (sniffArchive(bytes)) {
        // An archive: its members are opened one by one; its damage, the archive's own or one
        // entry's (an ISO directory that loops), is its outcome.
        const r = await inspectInput(bytes, { limits: DEFAULT_LIMITS });
        const damage = [r.self, ...r.members.map((m) => m.outcome)].find((o) => o?.kind === "error");
        if (damage?.kind === "error") error = new FormatError(damage.structure ?? "", damage.offset, damage.message);
        outcome = damage ? "error" : r.self ? r.self.kind : "container";
      } else outcome = (await inspectBytes(bytes, DEFAULT_LIMITS)).outcome;
    } catch (e) {
      error = e;
      outcome = "error";
    }
    if (error !== undefined) expect(error).toBeInstanceOf(FormatError);
    if ("error" in expected) {
      expect(outcome).toBe("error");
      expect((error as FormatError).structure).toMatch(new RegExp(expected.error));
    } else if ("outcome" in expected) {
      expect([outcome, error === undefined ? "" : String(error)]).toEqual([expected.outcome, ""]);
    }
  });

  it("all together: every file accounted for once, exit 2, and the report stays valid", async () => {
    const result = await scan([DIR], { threads: 1 });
    // Archives are not listed themselves: their members are (as path!/member) or their damage is.
    const seen = [
      ...new Set([...result.modules, ...result.skipped, ...result.errors].map((x) => x.path.split("!/")[0]!)),
    ].sort();
    expect(seen).toEqual(MANIFEST.map((m) => m.file).sort());
    const errored = new Set(result.errors.map((e) => e.path.split("!/")[0]!));
    for (const m of MANIFEST) if ("error" in m.expect) expect([m.file, errored.has(m.file)]).toEqual([m.file, true]);
    expect(() => JSON.parse(renderJson(result))).not.toThrow();
    expect(renderTable(result, { all: true })).not.toMatch(/\x1b/);
    const cli = runCli(["scan", DIR, "--format", "json"]);
    expect(cli.status).toBe(2);
    expect(JSON.parse(cli.stdout).summary.files).toBe(result.files);
  });
});
