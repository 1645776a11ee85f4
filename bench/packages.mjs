#!/usr/bin/env node
// Packages and images (issue 19): a linux-image .deb, all four together, and an ISO holding them,
// scanned directly, against extracting them (dpkg-deb -x, xorriso) and scanning what came out, side
// by side in one run; wall time and peak RSS (GNU time) with the ratios.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, benchRuns, CORPUS, gnuTime, ROOT } from "./common.mjs";

const RUNS = benchRuns(3);
execFileSync("bash", [join(ROOT, "scripts/fetch-corpus.sh"), "amd64"], { stdio: "inherit" });
const DEBS = join(CORPUS, "debs");
const images = readdirSync(DEBS)
  .filter((f) => /^linux-image-.*\.deb$/.test(f))
  .sort()
  .map((f) => join(DEBS, f));
const one = images.find((f) => /linux-image-6\.1\.0-\d+-amd64-unsigned/.test(f));
const work = mkdtempSync(join(tmpdir(), "kmodaudit-bench-packages-"));

const run = (label, cmd, args) => {
  const r = gnuTime(label, cmd, args, RUNS);
  console.log(`  ${label.padEnd(52)} ${r.secs.toFixed(2).padStart(6)} s ${r.mb.toFixed(0).padStart(6)} MB`);
  return r;
};
const scan = (label, paths) => run(label, BIN, ["scan", ...paths, "--format", "json", "--fail-on", "none", "-q"]);
const extract = (dir, debs) =>
  `rm -rf ${dir} && mkdir -p ${dir} && ${debs.map((d) => `dpkg-deb -x ${d} ${dir}`).join(" && ")}`;

/** Extract-then-scan against scanning directly, for `debs` given as `direct` (packages or an image). */
function compare(title, debs, direct, unpack) {
  console.log(`\n${title} (JSON, median of ${RUNS})`);
  const out = join(work, "out");
  const x = run("extract", "bash", ["-c", unpack ?? extract(out, debs)]);
  const s = scan("scan what was extracted", [out]);
  const d = scan("scan directly", direct);
  console.log(
    `  → directly ${(d.secs / (x.secs + s.secs)).toFixed(2)}× extract + scan (${(x.secs + s.secs).toFixed(2)} s);` +
      ` peak RSS ${d.mb.toFixed(0)} MB against ${Math.max(x.mb, s.mb).toFixed(0)} MB`,
  );
}

compare(`One package: ${one.split("/").pop()}`, [one], [one]);
compare(`The ${images.length} linux-image packages`, images, images);
const isoDir = join(work, "pool");
mkdirSync(isoDir);
for (const d of images) execFileSync("cp", [d, isoDir]);
const iso = join(work, "pool.iso");
execFileSync("xorriso", ["-as", "mkisofs", "-quiet", "-R", "-o", iso, isoDir], { stdio: "ignore" });
const fromIso = join(work, "from-iso");
compare(
  `An ISO holding the ${images.length} packages`,
  images,
  [iso],
  `rm -rf ${fromIso} && xorriso -osirrox on -indev ${iso} -extract / ${fromIso} 2>/dev/null && ${extract(
    join(work, "out"),
    readdirSync(isoDir).map((f) => join(fromIso, f)),
  )}`,
);
rmSync(work, { recursive: true, force: true });
