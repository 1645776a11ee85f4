import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { BIN } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const module = (name: string) => miniModule(64, "little", ["license=GPL", `name=${name}`]).bytes;

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-tree-"));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "kernel"));
  writeFileSync(join(dir, "kernel/ok.ko"), module("ok"));
  return dir;
}

/** Runs the CLI as an unprivileged user when we are root (CI is), so permissions really apply. */
function scanAsUser(dir: string) {
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? "setpriv" : process.execPath;
  const args = asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, BIN] : [BIN];
  const r = spawnSync(cmd, [...args, "scan", dir, "--format", "json"], { encoding: "utf8" });
  if (!r.stdout) throw new Error(`no output (status ${r.status}): ${r.stderr}`);
  return { status: r.status, json: JSON.parse(r.stdout) };
}

describe("trees nobody here controls", () => {
  it("reports an unreadable file and an unreadable directory as errors, reads the rest, exits 2", () => {
    const dir = tree();
    writeFileSync(join(dir, "kernel/secret.ko"), module("secret"));
    chmodSync(join(dir, "kernel/secret.ko"), 0o000);
    mkdirSync(join(dir, "locked"));
    writeFileSync(join(dir, "locked/hidden.ko"), module("hidden"));
    chmodSync(join(dir, "locked"), 0o000);
    chmodSync(join(dir, "kernel"), 0o755);
    const { status, json } = scanAsUser(dir);
    expect(status).toBe(2);
    expect(json.modules.map((m: { path: string }) => m.path)).toEqual(["kernel/ok.ko"]);
    expect(json.errors).toEqual([
      { path: "kernel/secret.ko", message: expect.stringMatching(/^cannot open: EACCES/) },
      { path: "locked", message: expect.stringMatching(/^cannot read directory: EACCES/) },
    ]);
    chmodSync(join(dir, "locked"), 0o755);
    rmSync(dir, { recursive: true });
  });

  it("reports a device without opening it", async () => {
    const dir = tree();
    symlinkSync("/dev/zero", join(dir, "zero-link")); // a link: never followed
    if (process.getuid?.() === 0) execFileSync("mknod", [join(dir, "null"), "c", "1", "3"]);
    const r = await scan([dir], { threads: 1 });
    expect(r.skipped).toContainEqual({ path: "zero-link", reason: "symbolic link, not followed" });
    if (process.getuid?.() === 0)
      expect(r.skipped).toContainEqual({ path: "null", reason: "character device, not a regular file" });
    expect(r.modules).toHaveLength(1);
  });

  it("accounts for a file that vanishes between listing and reading as an error", async () => {
    const dir = tree();
    // The directory is listed whole, then its entries handled in order: the FIFO after the module
    // is reported (and its progress call removes the module) before the module's batch is read.
    writeFileSync(join(dir, "kernel/gone.ko"), module("gone"));
    execFileSync("mkfifo", [join(dir, "kernel/z-fifo")]);
    const r = await scan([dir], {
      threads: 1,
      onProgress: (_n, path) => {
        if (path === "kernel/z-fifo") rmSync(join(dir, "kernel/gone.ko"));
      },
    });
    expect(r.errors).toEqual([{ path: "kernel/gone.ko", message: expect.stringMatching(/^cannot open: ENOENT/) }]);
    expect(r.files).toBe(3);
  });

  it("reports a file replaced by a FIFO after listing as skipped, without blocking", async () => {
    const dir = tree();
    writeFileSync(join(dir, "kernel/swapped.ko"), module("swapped"));
    execFileSync("mkfifo", [join(dir, "kernel/z-fifo")]);
    const r = await scan([dir], {
      threads: 1,
      onProgress: (_n, path) => {
        if (path === "kernel/z-fifo") {
          rmSync(join(dir, "kernel/swapped.ko"));
          execFileSync("mkfifo", [join(dir, "kernel/swapped.ko")]);
        }
      },
    });
    expect(r.skipped).toContainEqual({
      path: "kernel/swapped.ko",
      reason: "not a regular file (changed while scanning)",
    });
  });

  it("survives a worker thread that dies: only the file it died on is an error, the rest are read", () => {
    const dir = tree();
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `kernel/m${String(i).padStart(2, "0")}.ko`), module(`m${i}`));
    const r = spawnSync(process.execPath, [BIN, "scan", dir, "--format", "json"], {
      encoding: "utf8",
      env: { ...process.env, KMODAUDIT_TEST_WORKER_EXIT_ON: "m17.ko" },
    });
    const json = JSON.parse(r.stdout);
    expect(r.status).toBe(2);
    expect(json.errors).toEqual([
      { path: "kernel/m17.ko", message: "internal error: worker thread exited with code 70" },
    ]);
    expect(json.modules).toHaveLength(40);
  });

  it("stops reading once the scan's decompressed bytes pass --max-total-decompressed, accounting for the rest", async () => {
    const dir = tree();
    for (let i = 0; i < 70; i++) writeFileSync(join(dir, `kernel/m${String(i).padStart(2, "0")}.ko`), module(`m${i}`));
    const r = await scan([dir], { threads: 1, limits: { maxTotalDecompressedBytes: 10_000 } });
    expect(r.files).toBe(71);
    // It stops only once the bytes read pass the limit, and reports every file left as not read.
    const read = r.modules.reduce((n, m) => n + statSync(join(dir, m.path)).size, 0);
    expect(read).toBeGreaterThan(10_000);
    expect(r.modules.length).toBeLessThan(r.files);
    const unread = expect.stringMatching(/^not read: .*\(--max-total-decompressed\)$/);
    expect(r.errors.map((e) => e.message)).toEqual(Array(r.files - r.modules.length).fill(unread));
  });
});
