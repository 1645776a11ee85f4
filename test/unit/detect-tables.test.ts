import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectTables } from "../../src/engine/tables.js";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Files (with empty contents) and directories under a fresh temporary root. */
function tree(paths: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), "kmodaudit-detect-"));
  roots.push(root);
  for (const p of paths) {
    if (p.endsWith("/")) mkdirSync(join(root, p), { recursive: true });
    else {
      mkdirSync(join(root, p, ".."), { recursive: true });
      writeFileSync(join(root, p), "");
    }
  }
  return root;
}

describe("detectTables: each table with the directory whose modules it sits beside", () => {
  it("gives a table at the top of a scanned directory that directory", async () => {
    const root = tree(["Module.symvers", "kernel/"]);
    expect(await detectTables(root)).toEqual([{ file: join(root, "Module.symvers"), dir: root }]);
  });

  it("gives a tree's build/Module.symvers the tree", async () => {
    const root = tree(["build/Module.symvers", "kernel/", "modules.order"]);
    expect(await detectTables(root)).toEqual([{ file: join(root, "build", "Module.symvers"), dir: root }]);
  });

  it("gives each tree under a scanned root its own tree, not the root", async () => {
    const root = tree([
      "lib/modules/a/build/Module.symvers",
      "lib/modules/a/kernel/",
      "x/build/Module.symvers",
      "x/kernel/",
    ]);
    const a = join(root, "lib", "modules", "a");
    expect(await detectTables(root)).toEqual([
      { file: join(root, "x", "build", "Module.symvers"), dir: join(root, "x") },
      { file: join(a, "build", "Module.symvers"), dir: a },
    ]);
  });
});
