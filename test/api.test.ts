import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import * as api from "../src/index.js";

/*
 * The library API as the README documents it (its "Library" section): the example there is real
 * code, compiled against the package's own declarations and run from the repository root as a
 * reader would, and every function and constant the package exports is named in that section.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The text of the README's "## Library" section, up to the next section. */
function librarySection(markdown: string): string {
  const start = markdown.indexOf("\n## Library\n");
  if (start < 0) throw new Error('README.md has no "## Library" section');
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The section's first ```ts block and the plain ``` block after it: the example and what it prints. */
function exampleOf(section: string): { code: string; prints: string[] } {
  const lines = section.split("\n");
  const block = (from: number, fence: string) => {
    const open = lines.indexOf(fence, from);
    const close = lines.indexOf("```", open + 1);
    if (open < 0 || close < 0) throw new Error(`no ${fence} block in the README's Library section`);
    return { body: lines.slice(open + 1, close), close };
  };
  const code = block(0, "```ts");
  return { code: `${code.body.join("\n")}\n`, prints: block(code.close + 1, "```").body };
}

const SECTION = librarySection(README);
const EXAMPLE = exampleOf(SECTION);

describe("the README's library example", () => {
  // A project of one file beside which the package is installed (a link to this checkout, whose
  // package.json points at dist/): the example imports "kmodaudit" exactly as the README shows it.
  let project: string;
  let compiled: { status: number | null; stdout: string };

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "kmodaudit-api-"));
    mkdirSync(join(project, "node_modules"));
    symlinkSync(ROOT, join(project, "node_modules/kmodaudit"), "dir");
    writeFileSync(join(project, "example.mts"), EXAMPLE.code);
    const compilerOptions = {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      target: "ES2022",
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmitOnError: true,
      outDir: "out",
      typeRoots: [join(ROOT, "node_modules/@types")],
      types: ["node"],
    };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["example.mts"] }));
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    compiled = spawnSync(process.execPath, [tsc, "-p", project], { cwd: project, encoding: "utf8" });
  }, 60_000);

  it("type-checks, strictly, against the package's declarations", () => {
    expect(compiled.stdout).toBe("");
    expect(compiled.status).toBe(0);
  });

  it("prints what the README shows, run from the repository root", () => {
    const r = spawnSync(process.execPath, [join(project, "out/example.mjs")], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.replace(/\n$/, "").split("\n")).toEqual(EXAMPLE.prints);
  }, 60_000);
});

describe("the library's exports", () => {
  it.each(Object.keys(api).sort())("%s is documented in the README's Library section", (name) => {
    expect(SECTION).toMatch(new RegExp(`\`${name}[(\`]`));
  });
});
