import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

/*
 * Golden reports: `bin/kmodaudit scan samples` run from the repository root prints, byte for byte, the
 * report test/golden/ holds for its format. The reports carry nothing of the machine or the hour (paths
 * are the ones given, relative; the tool's version is the package's), so any difference is a change of
 * behaviour. When one is meant, rewrite the files with
 *   KMODAUDIT_UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
 * (after npm run build: the CLI runs dist/) and review their diff in the commit.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const UPDATE = process.env.KMODAUDIT_UPDATE_GOLDEN === "1";

describe("golden reports of samples/", () => {
  it.each([
    ["json", "samples.json"],
    ["sarif", "samples.sarif"],
  ])("--format %s prints test/golden/%s", (format, name) => {
    const golden = fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
    const r = runCli(["scan", "samples", "--format", format], {}, ROOT);
    expect(r.stderr).toBe("");
    if (UPDATE) writeFileSync(golden, r.stdout);
    expect(r.stdout).toBe(readFileSync(golden, "utf8"));
  });
});
