import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("kmodaudit deps given a copy of a module that depmod ignores", () => {
  let root: string;
  const tree = "lib/modules/6.1.0-57-amd64";
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "kmodaudit-deps-shadowed-"));
    const sample = new URL("../../samples/gpl_clean.ko", import.meta.url);
    for (const dir of ["kernel/x", "updates"]) {
      mkdirSync(join(root, tree, dir), { recursive: true });
      copyFileSync(sample, join(root, tree, dir, "gpl_clean.ko"));
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("says which copy it shows instead: the updates/ one depmod uses", () => {
    const r = runCli(["deps", `${tree}/kernel/x/gpl_clean.ko`, "--tree", tree], {}, root);
    expect([r.status, r.stderr]).toEqual([
      0,
      `kmodaudit: ${tree}/kernel/x/gpl_clean.ko is shadowed by updates/gpl_clean.ko, the copy depmod uses; shown instead\n`,
    ]);
  });
});
