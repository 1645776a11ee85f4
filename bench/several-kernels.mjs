#!/usr/bin/env node
// Several kernels in one scan (issue 18): the four Debian trees laid out as ROOT/lib/modules/<release>/
// (hard links into the corpus, each tree's Module.symvers as build/Module.symvers) scanned at once,
// against the sum of scanning each tree alone, in every report format; then the four linux-image
// .deb packages, together against one by one. Target: at most 1.1×.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layOutKernels } from "../test/helpers/kernel-root.mjs";
import { BIN, benchRuns, CORPUS, gnuTime, ROOT } from "./common.mjs";

const RUNS = benchRuns(3);
const SETS = ["amd64", "amd64xz", "i386", "s390x"];

execFileSync("bash", [join(ROOT, "scripts/fetch-corpus.sh"), ...SETS], { stdio: "inherit" });
const top = mkdtempSync(join(tmpdir(), "kmodaudit-bench-kernels-"));
const trees = layOutKernels(
  top,
  SETS.map((name) => ({ modules: join(CORPUS, name, "modules"), symvers: join(CORPUS, name, "Module.symvers") })),
);

/** Median wall time of RUNS runs of kmodaudit with these arguments. */
const secs = (args) =>
  gnuTime("kmodaudit", BIN, [...args, "--fail-on", "none"], RUNS, { ...process.env, COLUMNS: "120" }).secs;

/** Each alone against all together, as one line of the bench's output. */
function compare(label, each, together) {
  const alone = each.map((args) => secs(args));
  const sum = alone.reduce((a, b) => a + b, 0);
  const joint = secs(together);
  console.log(
    `  ${label.padEnd(9)} each alone ${alone.map((s) => s.toFixed(2)).join(" + ")} = ${sum.toFixed(2)} s;` +
      ` together ${joint.toFixed(2)} s → ${(joint / sum).toFixed(2)}× (target ≤ 1.1, median of ${RUNS})`,
  );
}

console.log(`\nSeveral kernels in one scan: ${trees.map((t) => t.release).join(", ")}`);
for (const format of ["table", "json", "sarif", "junit", "markdown", "html"]) {
  const as = ["--format", format];
  compare(
    format,
    trees.map((t) => ["scan", t.dir, ...as]),
    ["scan", top, ...as],
  );
}
rmSync(top, { recursive: true, force: true });

const DEBS = join(CORPUS, "debs");
const images = readdirSync(DEBS)
  .filter((f) => /^linux-image-.*\.deb$/.test(f))
  .sort()
  .map((f) => join(DEBS, f));
console.log(`\nThe ${images.length} linux-image packages in one scan, as JSON`);
compare(
  "packages",
  images.map((d) => ["scan", d, "--format", "json"]),
  ["scan", ...images, "--format", "json"],
);
