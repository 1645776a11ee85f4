import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createProgress, formatProgressLine } from "../../src/cli/progress.js";
import { BIN, runCli } from "../helpers/cli.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const visible = (s: string) => Array.from(s.replace(ANSI, "")).length;

describe("formatProgressLine", () => {
  const state = { done: 1234, total: 4023, path: "kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko", elapsedMs: 2000 };

  it("shows a bar, done/total, percentage, rate and the current file on a wide terminal", () => {
    expect(formatProgressLine(state, 120, false)).toBe(
      "[███████░░░░░░░░░░░░░░░░░] 1234/4023  30%  617 files/s  kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko",
    );
  });

  it("colours the bar only when asked (never with NO_COLOR)", () => {
    expect(formatProgressLine(state, 120, true)).toContain("\x1b[36m███████\x1b[0m");
    expect(formatProgressLine(state, 120, false)).not.toMatch(ANSI);
  });

  it.each([100, 80, 60, 50, 40, 30, 20, 10, 1, 0])(
    "fits in %i columns minus one, keeping the end of the path",
    (columns) => {
      const line = formatProgressLine(state, columns, true);
      expect(visible(line)).toBeLessThanOrEqual(Math.max(columns - 1, 0));
      if (columns >= 40) expect(line).toMatch(/…[^/]*amdgpu\.ko$|amdgpu\.ko$/);
    },
  );

  it("keeps the counts on a narrow terminal, dropping the bar and the path first", () => {
    expect(formatProgressLine(state, 40, false)).toBe("1234/4023  30%  617 files/s  …amdgpu.ko");
    expect(formatProgressLine(state, 20, false)).toBe("1234/4023  30%  617");
  });

  it("says the walk is still listing files while the total is unknown", () => {
    expect(formatProgressLine({ ...state, total: null }, 100, false)).toBe(
      "1234 files, listing…  617 files/s  kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko",
    );
  });

  it("says what runs once every file is read", () => {
    expect(formatProgressLine({ ...state, done: 4023 }, 100, false)).toMatch(
      /\] 4023\/4023 {2}100% {2}2012 files\/s {2}resolving symbols…$/,
    );
  });

  it("escapes control characters in a path, so a file name cannot drive the terminal", () => {
    expect(formatProgressLine({ ...state, path: "evil\x1b[2J.ko" }, 120, false)).toContain("evil\\x1b[2J.ko");
  });
});

describe("createProgress", () => {
  function harness(columns = 80) {
    let t = 0;
    const writes: string[] = [];
    const progress = createProgress({
      stream: { columns, write: (s: string) => writes.push(s) },
      color: false,
      now: () => t,
    });
    return { writes, progress, at: (ms: number) => (t = ms) };
  }

  it("draws nothing for a scan that ends within a second", () => {
    const h = harness();
    for (let i = 1; i <= 100; i++) {
      h.at(i * 9);
      h.progress.update(i, `m${i}.ko`, 100);
    }
    h.progress.clear();
    expect(h.writes).toEqual([]);
  });

  it("redraws at most ten times a second, and always draws the final count", () => {
    const h = harness();
    for (let ms = 0; ms <= 3000; ms++) {
      h.at(ms);
      h.progress.update(ms, `m${ms}.ko`, ms < 500 ? null : 3000);
    }
    // 1.0 s … 3.0 s at one redraw per 100 ms, plus the final count drawn inside its interval.
    expect(h.writes.length).toBeLessThanOrEqual(21 + 1);
    expect(h.writes.length).toBeGreaterThanOrEqual(20);
    expect(h.writes.at(-1)).toMatch(/^\r.*3000\/3000 {2}100% .*resolving symbols…\x1b\[K$/);
  });

  it("erases its line on clear, and draws nothing afterwards", () => {
    const h = harness();
    h.at(1500);
    h.progress.update(1, "a.ko", 10);
    h.progress.clear();
    h.at(5000);
    h.progress.update(2, "b.ko", 10);
    expect(h.writes).toEqual([expect.stringMatching(/^\r\[.*a\.ko\x1b\[K$/), "\r\x1b[2K"]);
  });
});

/**
 * Runs a shell command under a pseudo-terminal (util-linux script) and returns what the terminal
 * received. The samples have findings, so kmodaudit's exit status 1 is expected; 2 is not.
 */
function underPty(command: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync("script", ["-qfec", command, "/dev/null"], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`script exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const kmodaudit = (args: string) => `${q(process.execPath)} ${q(BIN)} ${args}`;

describe("the progress bar on a real terminal", () => {
  // The bar normally waits a second; the test hook lets a small scan show it.
  const NOW = { KMODAUDIT_PROGRESS_DELAY_MS: "0" };

  it("is drawn on stderr when it is a terminal, and erased before the report on the same terminal", () => {
    const out = underPty(`stty cols 100; ${kmodaudit(`scan ${q(SAMPLES)}`)}`, NOW);
    const frames = out.split("\r").filter((f) => /\d+\/\d+|listing…/.test(f) && !f.includes("\n"));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatch(/\] (\d+)\/\1 {2}100% {2}\d+ files\/s {2}resolving symbols…/);
    const cleared = out.lastIndexOf("\r\x1b[2K");
    expect(cleared).toBeGreaterThan(out.lastIndexOf("resolving symbols…"));
    expect(out.indexOf("┌")).toBeGreaterThan(cleared); // the report starts after the erase
    for (const f of frames) expect(visible(f)).toBeLessThanOrEqual(99);
  });

  it("fits a narrow terminal", () => {
    const out = underPty(`stty cols 30; ${kmodaudit(`scan ${q(SAMPLES)} -o /dev/null`)}`, NOW);
    const frames = out.split("\r").filter((f) => f.includes("files"));
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) expect(visible(f)).toBeLessThanOrEqual(29);
  });

  it("has no colour with NO_COLOR", () => {
    const out = underPty(`stty cols 100; ${kmodaudit(`scan ${q(SAMPLES)} -o /dev/null`)}`, { ...NOW, NO_COLOR: "1" });
    expect(out).toContain("resolving symbols…");
    expect(out).not.toMatch(/\x1b\[\d+m/);
  });

  it("never reaches stdout: redirected, the report is byte for byte the one a pipe gets", () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-progress-"));
    const out = underPty(`stty cols 100; ${kmodaudit(`scan ${q(SAMPLES)} > ${q(join(dir, "report.txt"))}`)}`, NOW);
    expect(out).toContain("resolving symbols…");
    const report = readFileSync(join(dir, "report.txt"), "utf8");
    expect(report).toBe(runCli(["scan", SAMPLES]).stdout);
    expect(report).not.toMatch(/[\r\x1b]/);
  });

  it("is not drawn with --quiet", () => {
    const out = underPty(`stty cols 100; ${kmodaudit(`scan --quiet ${q(SAMPLES)} -o /dev/null`)}`, NOW);
    expect(out).toBe("");
  });

  it("is not drawn when stderr is a pipe", () => {
    const r = runCli(["scan", SAMPLES], NOW);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("files/s");
  });

  it("is not drawn for a scan that ends within a second (no test hook)", () => {
    const out = underPty(`stty cols 100; ${kmodaudit(`scan ${q(join(SAMPLES, "gpl_clean.ko"))} -o /dev/null`)}`);
    expect(out).toBe("");
  });

  it.skipIf(skipCorpus)(
    "on a whole tree: appears after a second, at most ten redraws a second, erased at the end",
    () => {
      // The compressed tree: its files take several seconds to read, where the plain tree's are all
      // accounted for within the first second on a fast machine, and then no bar is due.
      const tree = corpusSet("amd64xz").modules;
      const started = performance.now();
      const out = underPty(`stty cols 120; ${kmodaudit(`scan ${q(tree)} -o /dev/null`)}`);
      const seconds = (performance.now() - started) / 1000;
      const frames = out.split("\r").filter((f) => /\d+\/\d+/.test(f));
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.length).toBeLessThanOrEqual(Math.ceil(Math.max(seconds - 1, 0) * 10) + 2);
      expect(frames.at(-1)).toMatch(/\] (\d+)\/\1 {2}100% /);
      expect(out.endsWith("\r\x1b[2K")).toBe(true);
    },
  );
});
