#!/usr/bin/env node
// npm run bench: kmodaudit and its baselines side by side, on the same corpus, in one run.
// Each command runs RUNS times (KMODAUDIT_BENCH_RUNS, default 5; the pyelftools baseline runs
// once, it takes minutes); medians of wall time and peak RSS (GNU time) are printed with ratios.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BIN, benchRuns, CORPUS, gnuTime, ROOT } from "./common.mjs";

const RUNS = benchRuns(5);

function timed(label, cmd, args, runs = RUNS) {
  const result = { label, ...gnuTime(label, cmd, args, runs), runs };
  console.log(
    `  ${label.padEnd(48)} ${result.secs.toFixed(2).padStart(7)} s   ${result.mb.toFixed(0).padStart(5)} MB   (median of ${runs})`,
  );
  return result;
}

const ratio = (a, b, what) => console.log(`  → ${what}: ${(a.secs / b.secs).toFixed(2)}×`);
const sh = (script) => ["-c", script];

execFileSync("bash", [join(ROOT, "scripts/fetch-corpus.sh"), "amd64", "amd64xz", "blobs"], { stdio: "inherit" });
const set = (name) => ({ modules: join(CORPUS, name, "modules") + "/", symvers: join(CORPUS, name, "Module.symvers") });
const amd64 = set("amd64");
const xz = set("amd64xz");
const root = dirname(dirname(dirname(realpathSync(amd64.modules))));
const version = readdirSync(join(root, "lib/modules"))[0];
const list = (dir, pattern) => `find ${dir} -type f -name '${pattern}' -print0`;

console.log(
  `\nDebian 6.1 amd64 tree (${execFileSync("bash", sh(`${list(amd64.modules, "*.ko")} | tr -cd '\\0' | wc -c`))
    .toString()
    .trim()} modules), warm page cache`,
);
timed("warm-up", "bash", sh(`${list(amd64.modules, "*.ko")} | xargs -0 cat > /dev/null`), 1);
const cat = timed(
  "cat all modules > /dev/null",
  "bash",
  sh(`${list(amd64.modules, "*.ko")} | xargs -0 cat > /dev/null`),
);
const depmod = timed(`depmod -b ROOT -n ${version}`, "depmod", ["-b", root, "-n", version]);
const ours = timed("kmodaudit scan --symvers (table)", BIN, [
  "scan",
  amd64.modules,
  "--symvers",
  amd64.symvers,
  "--fail-on",
  "none",
]);
const oursJson = timed("kmodaudit scan --symvers --format json", BIN, [
  "scan",
  amd64.modules,
  "--symvers",
  amd64.symvers,
  "--format",
  "json",
  "--fail-on",
  "none",
]);
const floor = timed("least JavaScript (bench/js-floor.mjs)", process.execPath, [
  join(ROOT, "bench/js-floor.mjs"),
  amd64.symvers,
  amd64.modules,
]);
const floor2 = timed("least JavaScript, 2 threads (--threads 2)", process.execPath, [
  join(ROOT, "bench/js-floor.mjs"),
  "--threads",
  "2",
  amd64.symvers,
  amd64.modules,
]);
// The baseline needs Debian's python3-pyelftools; without it there is no baseline to compare with.
const hasPyelftools = spawnSync("/usr/bin/python3", ["-c", "import elftools"], { stdio: "ignore" }).status === 0;
const py = hasPyelftools
  ? timed(
      "pyelftools audit (bench/pyelftools_audit.py)",
      "/usr/bin/python3",
      [join(ROOT, "bench/pyelftools_audit.py"), amd64.symvers, amd64.modules],
      1,
    )
  : null;
if (!py) console.log("  pyelftools baseline skipped: python3-pyelftools not installed");
ratio(ours, depmod, "kmodaudit / depmod (target < 1)");
ratio(ours, cat, "kmodaudit / cat (target ≤ 2)");
ratio(ours, floor, "kmodaudit / least JavaScript (what checks, sharing, rules and reports cost)");
ratio(floor, depmod, "least JavaScript / depmod");
ratio(floor2, depmod, "least JavaScript on 2 threads / depmod");
if (py) console.log(`  → pyelftools / kmodaudit: ${(py.secs / ours.secs).toFixed(1)}× (target ≥ 25)`);
ratio(oursJson, ours, "json / table (sha256 of every module, all facts serialised)");

console.log(`\nDebian 6.12 amd64 tree (.ko.xz)`);
timed("warm-up", "bash", sh(`${list(xz.modules, "*.ko.xz")} | xargs -0 cat > /dev/null`), 1);
const xzdc = timed(
  "xz -dc all modules > /dev/null (one process)",
  "bash",
  sh(`${list(xz.modules, "*.ko.xz")} | xargs -0 xz -dc > /dev/null`),
);
const oursXz = timed("kmodaudit scan --symvers (table)", BIN, [
  "scan",
  xz.modules,
  "--symvers",
  xz.symvers,
  "--fail-on",
  "none",
]);
ratio(oursXz, xzdc, "kmodaudit / serial xz -dc (target ≤ 0.8)");

console.log(`\nPeak memory as the tree grows (the same tree given 1, 4 and 16 times through directory links)`);
const links = mkdtempSync(join(tmpdir(), "kmodaudit-bench-"));
for (let i = 0; i < 16; i++) symlinkSync(realpathSync(amd64.modules), join(links, `copy${i}`));
for (const n of [1, 4, 16]) {
  timed(
    `kmodaudit scan ×${n}`,
    BIN,
    [
      "scan",
      ...Array.from({ length: n }, (_, i) => join(links, `copy${i}`)),
      "--symvers",
      amd64.symvers,
      "--fail-on",
      "none",
    ],
    n === 16 ? 1 : 3,
  );
}

const nv = join(CORPUS, "blobs", "nv-kernel.o_binary");
console.log(
  `\nOne large vendor object (${(Number(execFileSync("stat", ["-c", "%s", nv]).toString()) / 1e6).toFixed(0)} MB, NVIDIA nv-kernel.o_binary)`,
);
const catNv = timed("cat > /dev/null", "bash", sh(`cat ${nv} > /dev/null`));
const node0 = timed("node -e 0 (start-up alone)", process.execPath, ["-e", "0"]);
const oursNv = timed("kmodaudit scan --symvers (table)", BIN, [
  "scan",
  nv,
  "--symvers",
  amd64.symvers,
  "--fail-on",
  "none",
]);
ratio(oursNv, catNv, "kmodaudit / cat");
console.log(`  → kmodaudit minus Node start-up: ${(oursNv.secs - node0.secs).toFixed(2)} s`);

// The table report against the JSON report of the same scans (its own script, runnable alone).
execFileSync(process.execPath, [join(ROOT, "bench/table-vs-json.mjs")], { stdio: "inherit" });

// Several kernels in one scan against each alone (its own script, runnable alone).
execFileSync(process.execPath, [join(ROOT, "bench/several-kernels.mjs")], { stdio: "inherit" });

// Packages and an image scanned directly against extract-then-scan (its own script, runnable alone).
execFileSync(process.execPath, [join(ROOT, "bench/packages.mjs")], { stdio: "inherit" });
