import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shownName } from "../../src/engine/path-bytes.js";
import { scan } from "../../src/index.js";
import { BIN } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const module = (name: string) => miniModule(64, "little", ["license=GPL", `name=${name}`]).bytes;
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

/** A tree whose names are bytes that are not UTF-8: a module `mod<ff>.ko`, and `<fe>dir/inner.ko`. */
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-bytes-"));
  writeFileSync(bytes(dir, "/mod", [0xff], ".ko"), module("mod"));
  mkdirSync(bytes(dir, "/", [0xfe], "dir"));
  writeFileSync(bytes(dir, "/", [0xfe], "dir/inner.ko"), module("inner"));
  writeFileSync(join(dir, "plain.ko"), module("plain"));
  return dir;
}

describe("file names that are not UTF-8", () => {
  it("are scanned, and shown with the bytes that are not UTF-8 escaped", async () => {
    const r = await scan([tree()], { threads: 1 });
    expect(r.errors).toEqual([]);
    expect(r.modules.map((m) => m.path).sort()).toEqual(["\\xfedir/inner.ko", "mod\\xff.ko", "plain.ko"]);
  });

  it("are read on worker threads too (the path crosses to them as bytes)", () => {
    const out = spawnSync(process.execPath, [BIN, "scan", tree(), "--format", "json", "--no-embedded"], {
      encoding: "utf8",
    });
    const json = JSON.parse(out.stdout);
    expect(json.errors).toEqual([]);
    expect(json.modules.map((m: { path: string }) => m.path).sort()).toEqual([
      "\\xfedir/inner.ko",
      "mod\\xff.ko",
      "plain.ko",
    ]);
  });

  it("keep their UTF-8 characters, and double a backslash so no two names look alike", () => {
    expect(shownName(bytes("é", [0xff], "\\x"))).toBe("é\\xff\\\\x");
    expect(shownName(bytes([0xc3]))).toBe("\\xc3"); // a character cut short
    expect(shownName(Buffer.from("plain\\name"))).toBe("plain\\name"); // UTF-8 names are shown as they are
  });
});
