import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";

/*
 * Files the scan reads besides modules, pointed at devices and FIFOs: an export table found in a
 * scanned directory, --symvers, --config and --baseline. Each must be refused as not a regular
 * file, at once (the timeout below catches a read that never ends, or blocks), with exit 2.
 */

const GLUE = fileURLToPath(new URL("../../samples/vendor_glue.ko", import.meta.url));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, timedOut: r.error !== undefined };
}

function scannedDir(table: (path: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-hostile-table-"));
  mkdirSync(join(dir, "tree"));
  copyFileSync(GLUE, join(dir, "tree", "vendor_glue.ko"));
  table(join(dir, "tree", "Module.symvers"));
  return join(dir, "tree");
}

const fifo = (path: string) => spawnSync("mkfifo", [path]);

describe("tables, configs and baselines that are not regular files", () => {
  it.each([
    ["a link to /dev/zero", (p: string) => symlinkSync("/dev/zero", p)],
    ["a FIFO", fifo],
  ])("a Module.symvers found beside the scan that is %s is an error, not a read without end", (_, make) => {
    const r = run(["scan", scannedDir(make), "--format", "json"]);
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(2);
    expect(
      JSON.parse(r.stdout)
        .errors.map((e: { message: string }) => e.message)
        .join(),
    ).toContain("not a regular file");
  });

  it("--symvers /dev/zero is refused", () => {
    const r = run(["scan", GLUE, "--symvers", "/dev/zero"]);
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(2);
    expect(r.stderr + r.stdout).toContain("not a regular file");
  });

  it.each(["--config", "--baseline"])("%s naming a FIFO or /dev/zero is a usage error", (flag) => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-hostile-text-"));
    fifo(join(dir, "pipe"));
    for (const file of [join(dir, "pipe"), "/dev/zero"]) {
      const r = run(["scan", GLUE, flag, file]);
      expect(r.timedOut).toBe(false);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("is not a regular file");
    }
  });

  it("a regular table beside the scan is still used", () => {
    const dir = scannedDir((p) => writeFileSync(p, "0x00000000\tktime_get\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"));
    const r = run(["scan", dir, "--format", "json"]);
    expect(JSON.parse(r.stdout).kernel.sources[0].kind).toBe("symvers");
  });
});
