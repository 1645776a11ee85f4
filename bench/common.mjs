// What the bench scripts share: where the repository, the corpus and the CLI are, how many runs, and
// the median of GNU time's measurements.
import { spawnSync } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CORPUS =
  process.env.KMODAUDIT_CORPUS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kmodaudit", "corpus");
export const BIN = join(ROOT, "bin/kmodaudit");

/** Runs per command: KMODAUDIT_BENCH_RUNS, else the script's own default. */
export const benchRuns = (fallback) => Number(process.env.KMODAUDIT_BENCH_RUNS ?? fallback);

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Median wall time (s) and peak RSS (MB) of `runs` runs of a command under GNU time. A command that
 * fails stops the bench: it took however long failing took, and its time would make a nonsense ratio.
 */
export function gnuTime(label, cmd, args, runs, env = process.env) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["ignore", "ignore", "pipe"],
      env,
    });
    if (r.status !== 0) throw new Error(`${label}: ${cmd} exited with status ${r.status}\n${r.stderr}`);
    const [secs, kb] = r.stderr.trim().split("\n").pop().split(" ").map(Number);
    samples.push({ secs, mb: kb / 1024 });
  }
  return { secs: median(samples.map((s) => s.secs)), mb: median(samples.map((s) => s.mb)) };
}
