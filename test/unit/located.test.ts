import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locator } from "../../src/engine/scan/located.js";

describe("locator (where a result path lies, for its kernel)", () => {
  const top = mkdtempSync(join(tmpdir(), "kmodaudit-located-"));
  const tree = join(top, "lib", "modules", "6.1.0-57-amd64");
  mkdirSync(join(tree, "kernel"), { recursive: true });
  writeFileSync(join(tree, "kernel", "a.ko"), "");
  symlinkSync(tree, join(top, "modules"));

  it("puts a path relative to the one directory given under that directory's real path", async () => {
    const at = await locator([join(top, "modules")]);
    expect(at("kernel/a.ko")).toBe(join(tree, "kernel", "a.ko"));
  });

  it("puts a path under one of several paths given under that path's real path", async () => {
    const at = await locator([join(top, "modules"), join(tree, "kernel", "a.ko")]);
    expect(at(`${join(top, "modules")}/kernel/a.ko`)).toBe(join(tree, "kernel", "a.ko"));
    expect(at(join(tree, "kernel", "a.ko"))).toBe(join(tree, "kernel", "a.ko"));
    expect(at("elsewhere/b.ko")).toBe("elsewhere/b.ko");
  });

  it("keeps an archive member's chain after the file given", async () => {
    const link = join(top, "img");
    symlinkSync(join(tree, "kernel", "a.ko"), link);
    const at = await locator([link]);
    expect(at(`${link}!/x.ko`)).toBe(`${join(tree, "kernel", "a.ko")}!/x.ko`);
  });
});
