#!/usr/bin/env node
// npm run fuzz [-- ITERATIONS [SEED]]: mutates real corpus modules of all four ELF flavours (amd64,
// i386, s390x .ko; 6.12 .ko.xz) and their gzip/zstd variants, plus the samples and the vendor
// blobs' headers, and runs the whole pipeline on each input. Anything but facts, a skip or a
// FormatError is a crash: the input is written to fuzz-crashes/ and the run exits 1.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as lib from "../dist/index.js";
import * as facts from "../dist/kmod/facts.js";
import { fuzz, pipelineCheck } from "../test/fuzz/fuzzer.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CORPUS =
  process.env.KMODAUDIT_CORPUS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kmodaudit", "corpus");
const iterations = Number(process.argv[2] ?? 100000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);

execFileSync("bash", [join(ROOT, "scripts/fetch-corpus.sh"), "amd64", "amd64xz", "i386", "s390x"], {
  stdio: "inherit",
});
const pick = (set, pattern, n) =>
  execFileSync("bash", [
    "-c",
    `find ${join(CORPUS, set, "modules")}/ -type f -name '${pattern}' -size -64k | sort | head -${n}`,
  ])
    .toString()
    .trim()
    .split("\n")
    .filter(Boolean);
const seeds = [];
for (const [set, pattern] of [
  ["amd64", "*.ko"],
  ["i386", "*.ko"],
  ["s390x", "*.ko"],
  ["amd64xz", "*.ko.xz"],
]) {
  for (const f of pick(set, pattern, 6)) seeds.push({ name: `${set}:${f.split("/").pop()}`, bytes: readFileSync(f) });
}
for (const f of readdirSync(join(ROOT, "samples")).filter((f) => f.endsWith(".ko")))
  seeds.push({ name: `samples:${f}`, bytes: readFileSync(join(ROOT, "samples", f)) });
for (const s of seeds.filter((s) => s.name.startsWith("amd64:")).slice(0, 3)) {
  seeds.push({ name: `${s.name}.gz`, bytes: gzipSync(s.bytes) });
  seeds.push({ name: `${s.name}.zst`, bytes: execFileSync("zstd", ["-q", "-c"], { input: s.bytes }) });
}
// Archives around real modules: tar, cpio, ar and an ISO image.
const sampleDir = join(ROOT, "samples");
const run = (cmd) => execFileSync("bash", ["-c", cmd], { cwd: sampleDir, maxBuffer: 1 << 26 });
seeds.push({ name: "samples.tar", bytes: run("tar -cf - gpl_clean.ko nul_trick.ko") });
seeds.push({ name: "samples.cpio.gz", bytes: run("ls gpl_clean.ko nul_trick.ko | cpio -o -H newc --quiet | gzip") });
seeds.push({
  name: "samples.a",
  bytes: run("t=$(mktemp -u) && ar rc $t gpl_clean.ko nul_trick.ko && cat $t && rm $t"),
});
seeds.push({
  name: "samples.iso",
  bytes: run("t=$(mktemp -d) && cp gpl_clean.ko $t/ && xorriso -as mkisofs -R -J -quiet -o - $t 2>/dev/null"),
});
console.log(`fuzzing ${iterations} inputs from ${seeds.length} seeds, seed ${seed}`);
const started = Date.now();
const stats = await fuzz({
  seeds,
  iterations,
  seed,
  check: pipelineCheck(lib, facts),
  isFormatError: (e) => e instanceof lib.FormatError,
  onProgress: (s) =>
    process.stderr.write(
      `\r${s.inputs} inputs, ${s.formatErrors} format errors, ${s.crashes.length} crashes, ${s.slow.length} slow, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ),
});
process.stderr.write("\n");
const dir = join(ROOT, "fuzz-crashes");
for (const [kind, list] of [
  ["crash", stats.crashes],
  ["slow", stats.slow],
]) {
  for (const c of list) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${kind}-${seed}-${c.iteration}.bin`), c.input);
    console.log(`${kind} at iteration ${c.iteration} (seed ${c.seed}): ${c.error ?? `${c.ms.toFixed(0)} ms`}`);
  }
}
console.log(
  `${stats.inputs} inputs in ${((Date.now() - started) / 1000).toFixed(0)} s: ${stats.facts} read, ${stats.formatErrors} FormatErrors, ${stats.crashes.length} crashes, ${stats.slow.length} slower than 2 s`,
);
process.exitCode = stats.crashes.length ? 1 : 0;
