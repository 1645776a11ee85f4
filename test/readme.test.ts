import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseExamples, matchExample } from "./helpers/readme-examples.js";

/*
 * The README's example outputs are the tool's own: every fenced block whose first line is
 * `$ bin/kmodaudit …` is run from the repository root, as a reader would paste it (piped, so no
 * terminal and no colour), and its output must read as the block shows it. A line `…` in a block
 * stands for lines left out.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(`${ROOT}/README.md`, "utf8");
const examples = parseExamples(README);

function run(command: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  // The reader's terminal width must not leak in: a piped table takes its default width.
  delete env.COLUMNS;
  const r = spawnSync("bash", ["-c", command], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 1 << 28 });
  return r.stdout;
}

describe("README examples", () => {
  it("has examples to check", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((e) => [`line ${e.line}: $ ${e.command}`, e] as const))(
    "%s prints what the README shows",
    (_, example) => {
      const actual = run(example.command);
      const problem = matchExample(example.expected, actual.replace(/\n$/, "").split("\n"));
      // On a mismatch, the whole output, ready to paste over the block.
      expect(problem, problem === null ? "" : `${problem}\n--- the command printed:\n${actual}`).toBeNull();
    },
  );
});
