import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

describe("decoding bzip2", () => {
  it("prints no deprecation warning of its decoder's on stderr (the CLI, as installed)", () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-bz2-"));
    const module = miniModule(64, "little", ["license=GPL", "name=quiet"]).bytes;
    writeFileSync(join(dir, "quiet.ko.bz2"), execFileSync("bzip2", ["-c"], { input: module }));
    const r = spawnSync(process.execPath, [BIN, "scan", dir, "--format", "json", "--no-embedded", "-q"], {
      encoding: "utf8",
    });
    expect(JSON.parse(r.stdout).modules.map((m: { path: string }) => m.path)).toEqual(["quiet.ko.bz2"]);
    expect(r.stderr).not.toMatch(/DeprecationWarning|DEP0005/);
  });
});
