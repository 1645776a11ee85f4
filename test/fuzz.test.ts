import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";
import { UnreadBytes } from "../src/elf/byte-view.js";
import { Scratch } from "../src/engine/scratch.js";
import * as facts from "../src/kmod/facts.js";
import { readRegularFileSync } from "../src/engine/inspect-file.js";
import { FLAVOURS, miniModule } from "./helpers/elf-builder.mjs";
import { fuzz, pipelineCheck, type Seed } from "./fuzz/fuzzer.mjs";
import { corpusSet, skipCorpus } from "./helpers/corpus.js";
import { listFiles } from "./helpers/tools.js";

const SAMPLES = fileURLToPath(new URL("../samples", import.meta.url));

/** A CI-sized run of `npm run fuzz`: real modules from samples/ and hand-made ones in four flavours. */
describe("fuzzing the whole pipeline", () => {
  it("turns every mutated input into facts, a skip or a FormatError", async () => {
    const seeds: Seed[] = readdirSync(SAMPLES)
      .filter((f) => f.endsWith(".ko"))
      .map((f) => ({ name: f, bytes: readFileSync(`${SAMPLES}/${f}`) }));
    for (const { elfClass, endian } of FLAVOURS)
      seeds.push({
        name: `mini-${elfClass}-${endian}`,
        bytes: miniModule(elfClass, endian, ["license=GPL", "name=mini"]).bytes,
      });
    seeds.push({ name: "gpl_clean.ko.gz", bytes: gzipSync(seeds[0]!.bytes) });
    // archives of real modules: tar, cpio, ar, an ISO image
    const sh = (cmd: string) => execFileSync("bash", ["-c", cmd], { cwd: SAMPLES, maxBuffer: 1 << 26 });
    seeds.push({ name: "samples.tar", bytes: sh("tar -cf - gpl_clean.ko nul_trick.ko") });
    seeds.push({ name: "samples.cpio", bytes: sh("ls gpl_clean.ko nul_trick.ko | cpio -o -H newc --quiet") });
    seeds.push({
      name: "samples.a",
      bytes: sh("t=$(mktemp -u) && ar rc $t gpl_clean.ko nul_trick.ko && cat $t && rm $t"),
    });
    seeds.push({
      name: "samples.iso",
      bytes: sh("t=$(mktemp -d) && cp gpl_clean.ko $t/ && xorriso -as mkisofs -R -J -quiet -o - $t 2>/dev/null"),
    });
    expect(seeds.length).toBeGreaterThan(8);
    const stats = await fuzz({
      seeds,
      iterations: 3000,
      seed: 20261124,
      check: pipelineCheck(lib, facts),
      isFormatError: (e) => e instanceof lib.FormatError,
    });
    expect(stats.crashes.map((c) => `${c.seed} #${c.iteration}: ${c.error}`)).toEqual([]);
    expect(stats.slow.map((c) => `${c.seed} #${c.iteration}: ${c.ms} ms`)).toEqual([]);
    expect(stats.formatErrors).toBeGreaterThan(100); // the mutations do reach the parsers' checks
    expect(stats.facts).toBeGreaterThan(100);
  }, 300_000);

  it.skipIf(skipCorpus)(
    "gives the facts of a whole read when a mutated module is read by ranges",
    async () => {
      // Differential: the bulk path reads only some byte ranges into a reused buffer. Whatever a
      // mutation does, its facts (or its error) must be the whole read's, or the parse must stop
      // at bytes it was not given (UnreadBytes, on which the scan reads the file whole). Real
      // modules of three flavours, large enough that their sections lie far apart: in a small one
      // the ranges' joined neighbours take in nearly every byte, and nothing would be left unread.
      const seeds: Seed[] = [];
      for (const set of ["amd64", "i386", "s390x"] as const) {
        const files = (await listFiles(corpusSet(set).modules, "*.ko")).filter((f) => statSync(f).size >= 128 << 10);
        for (let i = 0; i < files.length; i += Math.ceil(files.length / 12))
          seeds.push({ name: files[i]!, bytes: readFileSync(files[i]!) });
      }
      const file = join(mkdtempSync(join(tmpdir(), "kmodaudit-fuzz-")), "m.ko");
      const scratch = new Scratch();
      const limits = lib.DEFAULT_LIMITS;
      const outcome = async (bytes: Buffer, setup: facts.ParseSetup) => {
        try {
          return JSON.stringify(await facts.inspectBytesWith(bytes, { limits, hash: false }, setup));
        } catch (e) {
          if (e instanceof UnreadBytes) return "unread";
          if (e instanceof lib.FormatError) return `FormatError: ${e.message}`;
          throw e;
        }
      };
      const differ: string[] = [];
      let ranged = 0;
      const stats = await fuzz({
        seeds,
        iterations: 1500,
        seed: 20261125,
        isFormatError: () => false,
        check: async (input) => {
          writeFileSync(file, input);
          // Another file's bytes in the buffer first, where unread bytes of this one would be.
          readRegularFileSync(seeds[0]!.name, false, limits.maxDecompressedBytes, { scratch });
          const read = readRegularFileSync(file, false, limits.maxDecompressedBytes, {
            factsOnly: true,
            rangedFrom: 0,
            scratch,
          });
          if (!("bytes" in read) || !read.ranged) return;
          ranged++;
          const byRanges = await outcome(read.bytes, { decoder: "direct", readRanges: read.ranged });
          if (byRanges === "unread") return;
          const whole = await outcome(input, { decoder: "elfy" });
          if (byRanges !== whole) differ.push(`${byRanges.slice(0, 300)}\n  whole: ${whole.slice(0, 300)}`);
        },
      });
      expect(stats.crashes.map((c) => `${c.seed} #${c.iteration}: ${c.error}`)).toEqual([]);
      expect(differ).toEqual([]);
      expect(ranged).toBeGreaterThan(500); // most mutations still leave a table to read by ranges
    },
    300_000,
  );
});

/*
 * npm run fuzz writes what it finds to fuzz-crashes/ (not committed); a crash, once fixed, is kept as a hand-made
 * hostile file (test/hostile/make.mjs writes them and their manifest). So the hostile corpus is also the fuzzer's
 * regression set, and each of its files goes through everything the fuzzer checks.
 */
describe("the hostile corpus as the fuzzer's regression set", () => {
  const DIR = fileURLToPath(new URL("./hostile/files", import.meta.url));
  const manifest = readFileSync(new URL("./hostile/manifest.json", import.meta.url), "utf8");
  const FILES: string[] = JSON.parse(manifest).map((m: { file: string }) => m.file);

  it("holds the files its manifest lists, and only those", () => {
    expect(FILES.length, "no hostile files: run node test/hostile/make.mjs").toBeGreaterThan(0);
    expect(readdirSync(DIR).sort()).toEqual([...FILES].sort());
  });

  it.each(FILES)("%s goes through the whole pipeline, with both decoders, without a crash", async (file) => {
    const check = pipelineCheck(lib, facts);
    const bytes = readFileSync(join(DIR, file));
    // pipelineCheck takes turns between the section-header decoders: two runs give each one the file.
    for (let run = 0; run < 2; run++) {
      await check(bytes).catch((e: unknown) => {
        if (!(e instanceof lib.FormatError)) throw e;
      });
    }
  });
});
