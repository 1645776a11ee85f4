import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { emit } from "../../src/cli/output.js";
import { BIN } from "../helpers/cli.js";

const dir = () => mkdtempSync(join(tmpdir(), "kmodaudit-output-"));

describe("writing a report to --output FILE", () => {
  it("writes the pieces one after another", async () => {
    const file = join(dir(), "report.json");
    await emit(["{", '"a": 1', "}\n"], file);
    expect(readFileSync(file, "utf8")).toBe('{"a": 1}\n');
  });

  it("leaves the previous report whole when the new one fails half-way, and no partial file beside it", async () => {
    const d = dir();
    const file = join(d, "report.json");
    writeFileSync(file, "the previous report\n");
    const failing = function* () {
      yield "x".repeat(3 << 20);
      throw new Error("the report could not be finished");
    };
    await expect(emit(failing(), file)).rejects.toThrow("the report could not be finished");
    expect(readFileSync(file, "utf8")).toBe("the previous report\n");
    expect(readdirSync(d)).toEqual(["report.json"]);
  });

  it("writes into a FIFO in place rather than renaming a file over it", async () => {
    const d = dir();
    const fifo = join(d, "pipe");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (b) => (got += b));
    const closed = new Promise((r) => reader.on("close", r));
    await emit(["through ", "the pipe\n"], fifo);
    await closed;
    expect(got).toBe("through the pipe\n");
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
});

describe("a report that cannot be written", () => {
  const GLUE = fileURLToPath(new URL("../../samples/vendor_glue.ko", import.meta.url));
  const run = (shell: string) =>
    spawnSync("bash", ["-c", shell], { encoding: "utf8", env: { ...process.env, BIN, GLUE } });

  it("to stdout on a full disk (/dev/full) is exit 2, not the findings' 1, and says so", () => {
    const r = run('node "$BIN" scan "$GLUE" > /dev/full');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("could not be written");
  });

  it("to --output on a full disk is exit 2", () => {
    const r = run('node "$BIN" scan "$GLUE" --format json -o /dev/full');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("ENOSPC");
  });
});
