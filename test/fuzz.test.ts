import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";
import { FLAVOURS, miniModule } from "./helpers/elf-builder.mjs";
import { fuzz, pipelineCheck, type Seed } from "./fuzz/fuzzer.mjs";

const SAMPLES = fileURLToPath(new URL("../samples", import.meta.url));

/** A CI-sized run of `npm run fuzz`: real modules from samples/ and hand-made ones in four flavours. */
describe("fuzzing the whole pipeline", () => {
  it("turns every mutated input into facts, a skip or a FormatError", async () => {
    const seeds: Seed[] = readdirSync(SAMPLES)
      .filter((f) => f.endsWith(".ko"))
      .map((f) => ({ name: f, bytes: readFileSync(`${SAMPLES}/${f}`) }));
    for (const { elfClass, endian } of FLAVOURS) seeds.push({ name: `mini-${elfClass}-${endian}`, bytes: miniModule(elfClass, endian, ["license=GPL", "name=mini"]).bytes });
    seeds.push({ name: "gpl_clean.ko.gz", bytes: gzipSync(seeds[0]!.bytes) });
    // archives of real modules: tar, cpio, ar, an ISO image
    const sh = (cmd: string) => execFileSync("bash", ["-c", cmd], { cwd: SAMPLES, maxBuffer: 1 << 26 });
    seeds.push({ name: "samples.tar", bytes: sh("tar -cf - gpl_clean.ko nul_trick.ko") });
    seeds.push({ name: "samples.cpio", bytes: sh("ls gpl_clean.ko nul_trick.ko | cpio -o -H newc --quiet") });
    seeds.push({ name: "samples.a", bytes: sh("t=$(mktemp -u) && ar rc $t gpl_clean.ko nul_trick.ko && cat $t && rm $t") });
    seeds.push({ name: "samples.iso", bytes: sh("t=$(mktemp -d) && cp gpl_clean.ko $t/ && xorriso -as mkisofs -R -J -quiet -o - $t 2>/dev/null") });
    expect(seeds.length).toBeGreaterThan(8);
    const stats = await fuzz({ seeds, iterations: 3000, seed: 20261124, check: pipelineCheck(lib), isFormatError: (e) => e instanceof lib.FormatError });
    expect(stats.crashes.map((c) => `${c.seed} #${c.iteration}: ${c.error}`)).toEqual([]);
    expect(stats.slow.map((c) => `${c.seed} #${c.iteration}: ${c.ms} ms`)).toEqual([]);
    expect(stats.formatErrors).toBeGreaterThan(100); // the mutations do reach the parsers' checks
    expect(stats.facts).toBeGreaterThan(100);
  }, 300_000);

  it("crashes found by npm run fuzz stay fixed", async () => {
    const dir = fileURLToPath(new URL("./fuzz/regressions", import.meta.url));
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const check = pipelineCheck(lib);
    for (const f of files) {
      await check(readFileSync(`${dir}/${f}`)).catch((e: unknown) => {
        if (!(e instanceof lib.FormatError)) throw e;
      });
    }
  });
});
