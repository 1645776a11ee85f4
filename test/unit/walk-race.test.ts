import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readTaskSync } from "../../src/engine/inspect-file.js";
import { walk, type WalkEntry } from "../../src/engine/walk.js";
import { scan } from "../../src/index.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const module = (name: string) => miniModule(64, "little", ["license=GPL", `name=${name}`]).bytes;

/**
 * A scanned tree, and outside it a directory an attacker would like scanned in its place:
 * `inside/a-fifo` is reported during the walk before `inside/b/` is entered, which is when the
 * tests swap `b` for a symlink to `outside`.
 */
function trees() {
  const top = mkdtempSync(join(tmpdir(), "kmodaudit-race-"));
  const inside = join(top, "inside");
  const outside = join(top, "outside");
  mkdirSync(join(inside, "b"), { recursive: true });
  mkdirSync(outside);
  execFileSync("mkfifo", [join(inside, "a-fifo")]);
  writeFileSync(join(inside, "b/own.ko"), module("own"));
  writeFileSync(join(outside, "secret.ko"), module("secret"));
  writeFileSync(join(outside, "own.ko"), module("planted"));
  const swap = () => {
    renameSync(join(inside, "b"), join(inside, "b.old"));
    symlinkSync(outside, join(inside, "b"));
  };
  return { inside, swap };
}

/** Walks `dir`, calling `onSkip` when the walk reports `a-fifo`, before it goes on. */
function walkSwapping(dir: string, onSkip: () => void, fdDir?: string | null): WalkEntry[] {
  const seen: WalkEntry[] = [];
  for (const e of walk([dir], fdDir === undefined ? {} : { fdDir })) {
    seen.push(e);
    if (e.path === "a-fifo") onSkip();
  }
  return seen;
}

describe("a directory swapped for a symlink while the tree is walked", () => {
  it("is not followed: the files behind the symlink are not listed", async () => {
    const { inside, swap } = trees();
    const r = await scan([inside], {
      threads: 1,
      onProgress: (_n, path) => {
        if (path === "a-fifo") swap();
      },
    });
    expect(r.modules.map((m) => m.path)).toEqual([]);
    expect(r.skipped).toContainEqual({ path: "b", reason: "symbolic link, not followed" });
    expect(JSON.stringify(r)).not.toContain("secret");
  });

  it("is not followed where there is no /proc either (opened by path, then checked)", () => {
    const { inside, swap } = trees();
    const seen = walkSwapping(inside, swap, null);
    expect(seen.map((e) => e.path)).toEqual(["a-fifo", "b"]);
    expect(seen[1]).toEqual({ type: "skip", path: "b", reason: "symbolic link, not followed" });
  });

  it("after its files were listed: reading one refuses the file now found through the symlink", async () => {
    const { inside, swap } = trees();
    renameSync(join(inside, "a-fifo"), join(inside, "z-fifo"));
    const files = [...walk([inside])].filter((e) => e.type === "file");
    expect(files.map((e) => e.path)).toEqual(["b/own.ko"]);
    swap();
    const read = readTaskSync(files[0]!, 1 << 20);
    expect(read).toEqual({ error: expect.stringMatching(/^changed while scanning: not the file that was listed/) });
  });

  it("after its files were listed, without /proc: reading one refuses a file other than the one listed", () => {
    const { inside, swap } = trees();
    renameSync(join(inside, "a-fifo"), join(inside, "z-fifo"));
    const files = [...walk([inside], { fdDir: null })].filter((e) => e.type === "file");
    swap();
    expect(readTaskSync(files[0]!, 1 << 20)).toEqual({
      error: expect.stringMatching(/^changed while scanning: not the file that was listed/),
    });
  });

  it("after its files were listed: the scan reports the file as an error, not the planted module", async () => {
    const { inside, swap } = trees();
    renameSync(join(inside, "a-fifo"), join(inside, "z-fifo"));
    const r = await scan([inside], {
      threads: 1,
      onProgress: (_n, path) => {
        if (path === "z-fifo") swap();
      },
    });
    expect(r.modules).toEqual([]);
    expect(r.errors).toEqual([
      { path: "b/own.ko", message: expect.stringMatching(/^changed while scanning: not the file that was listed/) },
    ]);
  });
});

describe("a package or image swapped likewise (read as a stream, not whole)", () => {
  it("is refused, not read through the symlink", async () => {
    const { inside, swap } = trees();
    renameSync(join(inside, "a-fifo"), join(inside, "z-fifo"));
    const big = gzipSync(randomBytes(9 << 20), { level: 1 }); // past the size from which inputs are streamed
    writeFileSync(join(inside, "b/big.gz"), big);
    writeFileSync(join(inside, "../outside/big.gz"), big);
    const r = await scan([inside], {
      threads: 1,
      onProgress: (_n, path) => {
        if (path === "z-fifo") swap();
      },
    });
    expect(r.errors).toContainEqual({
      path: "b/big.gz",
      message: expect.stringMatching(/changed while scanning: not the file that was listed/),
    });
  });
});

describe("the walk's open directories", () => {
  it("are one per level of the directory being walked, closed as the walk leaves it", () => {
    const top = mkdtempSync(join(tmpdir(), "kmodaudit-fds-"));
    let deep = top;
    for (let i = 0; i < 40; i++) {
      deep = join(deep, `d${i}`);
      mkdirSync(deep);
      writeFileSync(join(deep, "f.ko"), "x");
    }
    const fds = () => readdirSync("/proc/self/fd").length;
    const before = fds();
    let most = 0;
    for (const _ of walk([top])) most = Math.max(most, fds() - before);
    expect(most).toBeGreaterThan(0);
    expect(most).toBe(41); // the root and its 40 levels
    expect(fds()).toBe(before);
  });
});
