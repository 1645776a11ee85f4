import { describe, expect, it } from "vitest";
import { matchExample, parseExamples } from "../helpers/readme-examples.js";

describe("the README example matcher", () => {
  const out = ["a", "b", "c", "d"];

  it("accepts the whole output, line for line", () => {
    expect(matchExample(["a", "b", "c", "d"], out)).toBeNull();
  });

  it("lets … stand for lines left out, at the start, in the middle and at the end", () => {
    expect(matchExample(["…", "b", "…"], out)).toBeNull();
    expect(matchExample(["a", "…", "d"], out)).toBeNull();
  });

  it("refuses a changed line", () => {
    expect(matchExample(["a", "…", "x"], out)).toMatch(/"x" are not in the output/);
  });

  it("refuses output the README does not show, unless a … says it is left out", () => {
    expect(matchExample(["a", "b"], out)).toMatch(/goes on after the README's last line: "c"/);
    expect(matchExample(["b", "…"], out)).toMatch(/at its start/);
  });

  it("refuses runs out of order", () => {
    expect(matchExample(["…", "c", "…", "b", "…"], out)).toMatch(/"b" are not in the output after/);
  });

  it("reads each $ line of a bin/kmodaudit block as a command with the lines up to the next as its output", () => {
    const md = [
      "text",
      "```",
      "$ bin/kmodaudit scan x",
      "one",
      "$ bin/kmodaudit deps y",
      "two",
      "```",
      "```sh",
      "$ bin/kmodaudit not-checked",
      "```",
    ].join("\n");
    expect(parseExamples(md)).toEqual([
      { line: 3, command: "bin/kmodaudit scan x", expected: ["one"] },
      { line: 5, command: "bin/kmodaudit deps y", expected: ["two"] },
    ]);
  });
});
