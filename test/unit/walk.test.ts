import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { miniModule } from "../helpers/elf-builder.mjs";

function tree() {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-walk-"));
  mkdirSync(join(dir, "kernel/drivers"), { recursive: true });
  writeFileSync(join(dir, "kernel/drivers/a.ko"), miniModule(64, "little", ["license=GPL", "name=a"]).bytes);
  writeFileSync(join(dir, "modules.order"), "kernel/drivers/a.ko\n");
  return dir;
}

describe("walking directories", () => {
  it("shows paths relative to a single scanned directory, in sorted order", async () => {
    const dir = tree();
    const r = await scan([dir]);
    expect(r.modules.map((m) => m.path)).toEqual(["kernel/drivers/a.ko"]);
    expect(r.skipped.map((s) => s.path)).toEqual(["modules.order"]);
  });

  it("does not follow directory symlinks inside the tree (a loop ends at once) and lists them as skipped", async () => {
    const dir = tree();
    symlinkSync(dir, join(dir, "kernel/loop"));
    symlinkSync("/nonexistent", join(dir, "dangling"));
    const r = await scan([dir]);
    expect(r.modules).toHaveLength(1);
    expect(r.skipped).toEqual(
      expect.arrayContaining([
        { path: "kernel/loop", reason: "symbolic link, not followed" },
        { path: "dangling", reason: "symbolic link, not followed" },
      ]),
    );
  });

  it("follows a symlink given on the command line", async () => {
    const dir = tree();
    const link = join(mkdtempSync(join(tmpdir(), "kmodaudit-link-")), "modules");
    symlinkSync(dir, link);
    expect((await scan([link])).modules).toHaveLength(1);
  });

  it("reports a FIFO without opening it, so the scan never blocks", async () => {
    const dir = tree();
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const r = await scan([dir]);
    expect(r.skipped).toContainEqual({ path: "pipe", reason: "FIFO, not a regular file" });
  });

  it("reports a path that does not exist as an error", async () => {
    const r = await scan(["/nonexistent/kmodaudit"]);
    expect(r.errors).toEqual([
      { path: "/nonexistent/kmodaudit", message: expect.stringMatching(/^cannot open: ENOENT/) },
    ]);
  });

  it("accounts for every file exactly once", async () => {
    const dir = tree();
    writeFileSync(join(dir, "broken.ko"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]));
    const r = await scan([dir]);
    const seen = [...r.modules, ...r.skipped, ...r.errors].map((x) => x.path).sort();
    expect(seen).toEqual(["broken.ko", "kernel/drivers/a.ko", "modules.order"]);
    expect(r.files).toBe(3);
  });
});
