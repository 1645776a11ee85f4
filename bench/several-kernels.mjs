#!/usr/bin/env node
// Several kernels in one scan (issue 18): the four Debian trees laid out as ROOT/lib/modules/<release>/
// (hard links into the corpus, each tree's Module.symvers as build/Module.symvers) scanned at once,
// against the sum of scanning each tree alone, as a table and as JSON. Target: at most 1.1×.
import { execFileSync, spawnSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CORPUS =
  process.env.KMODAUDIT_CORPUS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kmodaudit", "corpus");
const RUNS = Number(process.env.KMODAUDIT_BENCH_RUNS ?? 3);
const BIN = join(ROOT, "bin/kmodaudit");
const SETS = ["amd64", "amd64xz", "i386", "s390x"];

execFileSync("bash", [join(ROOT, "scripts/fetch-corpus.sh"), ...SETS], { stdio: "inherit" });
const top = mkdtempSync(join(tmpdir(), "kmodaudit-bench-kernels-"));
const trees = SETS.map((name) => {
  const real = realpathSync(join(CORPUS, name, "modules"));
  const dir = join(top, "lib", "modules", basename(real));
  mkdirSync(join(dir, "build"), { recursive: true });
  execFileSync("cp", ["-al", join(real, "kernel"), join(dir, "kernel")]);
  linkSync(join(real, "modules.order"), join(dir, "modules.order"));
  linkSync(realpathSync(join(CORPUS, name, "Module.symvers")), join(dir, "build", "Module.symvers"));
  return dir;
});

/** Median wall time of RUNS runs of kmodaudit with these arguments. */
function secs(args) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync("/usr/bin/time", ["-f", "%e", BIN, ...args, "--fail-on", "none"], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, COLUMNS: "120" },
    });
    if (r.status !== 0) throw new Error(`kmodaudit ${args.join(" ")} exited with status ${r.status}\n${r.stderr}`);
    samples.push(Number(r.stderr.trim().split("\n").pop()));
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

console.log(`\nSeveral kernels in one scan: ${trees.map((t) => basename(t)).join(", ")}`);
for (const format of ["table", "json"]) {
  const alone = trees.map((t) => secs(["scan", t, "--format", format]));
  const sum = alone.reduce((a, b) => a + b, 0);
  const joint = secs(["scan", top, "--format", format]);
  console.log(
    `  ${format.padEnd(6)} each alone ${alone.map((s) => s.toFixed(2)).join(" + ")} = ${sum.toFixed(2)} s;` +
      ` together ${joint.toFixed(2)} s → ${(joint / sum).toFixed(2)}× (target ≤ 1.1, median of ${RUNS})`,
  );
}
rmSync(top, { recursive: true, force: true });
