#!/usr/bin/env node
// The streaming xz decoder (src/bytes/xz-stream.ts, issue 19) against `xz -dc -T0` and today's
// decodeXz, on the data.tar.xz of Debian's 6.1 linux-image .deb (one stream of 17 blocks), decoded to
// nothing: wall time and peak RSS of each, medians of RUNS runs (KMODAUDIT_BENCH_RUNS, default 3),
// and their ratios to xz. KMODAUDIT_BENCH_XZ names another .xz file to decode instead.
// Then memory: the same data.tar.xz read on 2 threads from a Uint8Array (the file read whole) and
// from the .deb on disk (a RangeSource over its ar member, read a window at a time), at several
// aheadBytes settings (output decoded ahead of the block being read), beside a node that only loads
// the decoder (its floor).
// The sources are bundled with esbuild first, so no full build is needed.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { benchRuns, CORPUS, gnuTime, ROOT } from "./common.mjs";

const OUT = join(ROOT, "node_modules/.cache/kmodaudit-bench-xz-stream");

/** A member of an ar archive (a .deb) as a part of the file, found by reading its 60-byte headers only. */
async function arMember(file, name) {
  const { subSource } = await import(join(OUT, "bytes/range-source.js"));
  for (let at = 8; at + 60 <= file.size; ) {
    const header = await file.read(at, 60);
    const size = Number(header.toString("latin1", 48, 58).trim());
    if (header.toString("latin1", 0, 16).trim().replace(/\/$/, "") === name) return subSource(file, at + 60, size);
    at += 60 + size + (size & 1);
  }
  throw new Error(`no ${name} in the archive`);
}

async function child(mode, file, aheadBytes) {
  const { xzChunks, xzChunksLzmaNative } = await import(join(OUT, "bytes/xz-stream.js"));
  const { decodeXz } = await import(join(OUT, "bytes/xz.js"));
  const { DEFAULT_LIMITS } = await import(join(OUT, "core/limits.js"));
  const { fileSource } = await import(join(OUT, "bytes/range-source.js"));
  const { liblzmaCoder } = await import(join(OUT, "bytes/xz-stream.js"));
  if (mode === "floor") {
    await liblzmaCoder();
    return;
  }
  const options = { threads: 2, ...(aheadBytes ? { aheadBytes: Number(aheadBytes) } : {}) };
  let total = 0;
  if (mode === "deb-2" || mode === "buffer-2") {
    const deb = await fileSource(file);
    const member = await arMember(deb, "data.tar.xz");
    const input = mode === "deb-2" ? member : await member.read(0, member.size);
    for await (const chunk of xzChunks(input, DEFAULT_LIMITS, options)) total += chunk.length;
    await deb.close();
    if (total === 0) throw new Error("decoded nothing");
    return;
  }
  const input = readFileSync(file);
  if (mode === "decodeXz") total = (await decodeXz(input, DEFAULT_LIMITS)).length;
  else {
    const chunks =
      mode === "lzma-native"
        ? xzChunksLzmaNative(input, DEFAULT_LIMITS)
        : xzChunks(input, DEFAULT_LIMITS, { threads: mode === "chunks-1" ? 1 : availableParallelism() });
    for await (const chunk of chunks) total += chunk.length;
  }
  if (total === 0) throw new Error("decoded nothing");
}

function dataTarXz() {
  if (process.env.KMODAUDIT_BENCH_XZ) return { file: process.env.KMODAUDIT_BENCH_XZ, cleanup: () => {} };
  const debs = join(CORPUS, "debs");
  const deb = readdirSync(debs)
    .filter((f) => /^linux-image-6\.1\.0-.*-amd64-unsigned_.*\.deb$/.test(f))
    .sort()
    .pop();
  if (!deb) throw new Error(`no linux-image-6.1.0-*-amd64-unsigned .deb in ${debs} (scripts fetch the corpus)`);
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-bench-xz-"));
  const file = join(dir, "data.tar.xz");
  const r = spawnSync("ar", ["p", join(debs, deb), "data.tar.xz"], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ar p ${deb} data.tar.xz failed: ${r.stderr}`);
  writeFileSync(file, r.stdout);
  return { file, deb: join(debs, deb), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function main() {
  const esbuild = await import("esbuild");
  mkdirSync(OUT, { recursive: true });
  await esbuild.build({
    entryPoints: ["src/bytes/xz-stream.ts", "src/bytes/xz.ts", "src/core/limits.ts", "src/bytes/range-source.ts"].map(
      (p) => join(ROOT, p),
    ),
    outdir: OUT,
    outbase: join(ROOT, "src"),
    bundle: true,
    platform: "node",
    format: "esm",
    external: ["koffi", "lzma-native"],
    logLevel: "warning",
  });
  // esbuild writes .js; this folder is ESM whatever the package above says.
  writeFileSync(join(OUT, "package.json"), '{"type":"module"}\n');
  const runs = benchRuns(3);
  const { file, deb, cleanup } = dataTarXz();
  try {
    const size = readFileSync(file).length;
    console.log(`xz decoding of ${deb ? `${basename(deb)}'s data.tar.xz` : file} (${(size / 2 ** 20).toFixed(1)} MiB)`);
    console.log(`  ${availableParallelism()} cores, median of ${runs} run(s); output discarded`);
    const self = new URL(import.meta.url).pathname;
    const cases = [
      ["(a) xz -dc -T0 > /dev/null", "xz", ["-dc", "-T0", file]],
      ["(b) decodeXz, whole buffer", process.execPath, [self, "--child", "decodeXz", file]],
      ["(c) xzChunks, 1 thread", process.execPath, [self, "--child", "chunks-1", file]],
      [`(d) xzChunks, ${availableParallelism()} threads`, process.execPath, [self, "--child", "chunks-all", file]],
      ["(e) xzChunksLzmaNative (fallback)", process.execPath, [self, "--child", "lzma-native", file]],
    ];
    let base;
    for (const [label, cmd, args] of cases) {
      const m = gnuTime(label, cmd, args, runs);
      base ??= m;
      const ratio = `${(m.secs / base.secs).toFixed(2)}× time, ${(m.mb / base.mb).toFixed(1)}× RSS of (a)`;
      console.log(
        `  ${label.padEnd(36)} ${m.secs.toFixed(2).padStart(6)} s  ${m.mb.toFixed(0).padStart(5)} MB   ${ratio}`,
      );
    }
    if (deb) {
      console.log(`Peak RSS of 2 threads, by input and aheadBytes (MiB; "default": xz-stream.ts's)`);
      const floor = gnuTime("floor", process.execPath, [self, "--child", "floor", deb], runs);
      console.log(
        `  ${"node loading the decoder only".padEnd(36)} ${floor.secs.toFixed(2).padStart(6)} s  ${floor.mb.toFixed(0).padStart(5)} MB`,
      );
      const memories = (process.env.KMODAUDIT_BENCH_AHEAD ?? "8,16,48").split(",");
      for (const mode of ["buffer-2", "deb-2"])
        for (const mib of ["default", ...memories]) {
          const label = `${mode === "deb-2" ? "from the .deb on disk" : "from a Uint8Array"}, ${mib}`;
          const args = [self, "--child", mode, deb, ...(mib === "default" ? [] : [String(Number(mib) * 2 ** 20)])];
          const m = gnuTime(label, process.execPath, args, runs);
          const own = `${(m.mb - floor.mb).toFixed(0)} MB above the floor`;
          console.log(
            `  ${label.padEnd(36)} ${m.secs.toFixed(2).padStart(6)} s  ${m.mb.toFixed(0).padStart(5)} MB   ${own}`,
          );
        }
    }
  } finally {
    cleanup();
  }
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();
