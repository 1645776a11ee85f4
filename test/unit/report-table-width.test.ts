import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reportWidth } from "../../src/cli/report-width.js";
import { displayWidth } from "../../src/report/display-width.js";
import { runCli } from "../helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const tableLines = (text: string) => text.split("\n").filter((l) => /^[┌│├└]/.test(l));

describe("the width the CLI gives the table", () => {
  it("is the terminal's when the report goes to one", () => {
    expect(reportWidth({ isTTY: true, columns: 97 }, { COLUMNS: "200" })).toBe(97);
  });

  it("is COLUMNS when the report is piped or written to a file", () => {
    expect(reportWidth({ isTTY: false }, { COLUMNS: "100" })).toBe(100);
    expect(reportWidth(null, { COLUMNS: "100" })).toBe(100);
  });

  it("is left to the report's default when COLUMNS is unset or not a number of columns", () => {
    for (const COLUMNS of [undefined, "", "0", "wide", "80px", "-80", "1e3", "123456"])
      expect(reportWidth({ isTTY: false }, { COLUMNS })).toBeUndefined();
  });

  it("does not take a terminal that reports no size", () => {
    expect(reportWidth({ isTTY: true, columns: 0 }, {})).toBeUndefined();
  });
});

describe("kmodaudit scan, piped", () => {
  it("draws the table 120 columns wide without COLUMNS, and COLUMNS wide with it", () => {
    const widest = (env: NodeJS.ProcessEnv) =>
      Math.max(...tableLines(runCli(["scan", SAMPLES], env).stdout).map(displayWidth));
    expect(widest({ COLUMNS: "" })).toBe(120);
    expect(widest({ COLUMNS: "80" })).toBe(80);
  });
});
