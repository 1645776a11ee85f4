// An internal corpus test on purpose: the scan engine's read paths (ranged reads, the direct section-header
// decoder, a thread's reused buffer and signer memo) must give the facts of the library's plain path.
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, scan } from "../../src/index.js";
import { inspectBytesWith } from "../../src/kmod/facts.js";
import { inspectFile, readRegularFileSync, threadBuffers } from "../../src/engine/inspect-file.js";
import { Scratch } from "../../src/engine/scratch.js";
import { SignerMemo, splitSignature } from "../../src/kmod/signature.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliJson } from "../helpers/cli.js";
import { blobsDir, corpusSet, skipCorpus } from "../helpers/corpus.js";
import { listFiles } from "../helpers/tools.js";

/*
 * The bulk path reads only the sections facts use, and decodes section headers directly instead
 * of through elfy; the CLI inspects on worker threads. Both must give exactly the facts of the
 * plain path: a whole read through elfy on this thread.
 */
// One buffer for every read, as a worker has: what one file leaves in it must not leak into the next.
const scratch = new Scratch();

async function facts(file: string, ranged: boolean) {
  const read = readRegularFileSync(file, false, DEFAULT_LIMITS.maxDecompressedBytes, {
    factsOnly: ranged,
    rangedFrom: 0,
    scratch,
  });
  if (!("bytes" in read)) throw new Error(`${file}: unreadable`);
  expect(read.ranged !== undefined).toBe(ranged);
  // With the ranges it read, so that a fact needing any other byte fails here (UnreadBytes)
  // instead of falling back to a whole read, as the CLI would: real modules must not need it.
  const setup = { decoder: ranged ? "direct" : "elfy", readRanges: read.ranged } as const;
  const r = await inspectBytesWith(read.bytes, { limits: DEFAULT_LIMITS, hash: false }, setup);
  return r.outcome === "facts" ? r.facts : r;
}

describe.skipIf(skipCorpus)(
  "ranged reads with direct section headers give the facts of whole reads through elfy",
  () => {
    it.each(["amd64", "i386", "s390x"] as const)(
      "for every module of the %s tree",
      async (name) => {
        const files = await listFiles(corpusSet(name).modules, "*.ko");
        const differ: string[] = [];
        for (const f of files)
          if (JSON.stringify(await facts(f, true)) !== JSON.stringify(await facts(f, false))) differ.push(f);
        expect(differ).toEqual([]);
      },
      600_000,
    );

    it("for the vendor blobs", async () => {
      for (const f of await listFiles(blobsDir(), "*.o_*")) expect(await facts(f, true)).toEqual(await facts(f, false));
    });
  },
);

describe.skipIf(skipCorpus)("a ranged read whose facts need bytes it left out", () => {
  it("reads the module whole, never from what the buffer held before (CRCs in a renamed __kcrctab_gpl)", async () => {
    // snd-soc-rt5670.ko labels its CRCs (__crc_*) in __kcrctab_gpl, far from every section facts
    // read (no read of a neighbour takes it in); renamed, the ranges leave it out.
    const module = `${corpusSet("amd64").modules}/kernel/sound/soc/codecs/snd-soc-rt5670.ko`;
    const original = readFileSync(module);
    const renamed = Buffer.from(original);
    const at = renamed.indexOf("__kcrctab_gpl\0", 0, "latin1");
    expect(at).toBeGreaterThan(0);
    renamed.write("__kcrctab_gpX", at, "latin1");
    const file = join(mkdtempSync(join(tmpdir(), "kmodaudit-ranged-")), "snd-soc-rt5670.ko");
    writeFileSync(file, renamed);
    const buffers = threadBuffers();
    const ranged = readRegularFileSync(file, false, DEFAULT_LIMITS.maxDecompressedBytes, { factsOnly: true });
    expect("bytes" in ranged && ranged.ranged).toBeTruthy();
    // Another module's bytes in the thread's buffer first, where this one's were not read.
    await inspectFile(
      { abs: `${corpusSet("amd64").modules}/kernel/fs/ext4/ext4.ko`, followLinks: false },
      { limits: DEFAULT_LIMITS, hash: false },
      buffers,
    );
    const crcs = (o: Awaited<ReturnType<typeof inspectFile>>) =>
      o.self?.kind === "facts" ? o.self.facts.exports.map((e) => [e.symbol, e.crc]) : o.self;
    const byRanges = crcs(
      await inspectFile({ abs: file, followLinks: false }, { limits: DEFAULT_LIMITS, hash: false }, buffers),
    );
    expect(byRanges).toEqual(
      crcs(await inspectFile({ abs: file, followLinks: false }, { limits: DEFAULT_LIMITS, hash: true })),
    );
    expect(byRanges).toEqual(
      crcs(await inspectFile({ abs: module, followLinks: false }, { limits: DEFAULT_LIMITS, hash: true })),
    );
  });
});

describe.skipIf(skipCorpus)("a thread's signer memo gives the signatures of fresh reads", () => {
  it.each(["amd64", "i386", "s390x"] as const)(
    "for every module of the %s tree, read in order",
    async (name) => {
      const memo = new SignerMemo();
      const differ: string[] = [];
      for (const f of await listFiles(corpusSet(name).modules, "*.ko")) {
        const bytes = readFileSync(f);
        if (JSON.stringify(splitSignature(bytes, memo).signature) !== JSON.stringify(splitSignature(bytes).signature))
          differ.push(f);
      }
      expect(differ).toEqual([]);
    },
    600_000,
  );
});

/** The CLI's JSON scan of a tree (its threads as the machine has them), against a scan on this thread alone. */
async function cliAgainstOneThread(set: ReturnType<typeof corpusSet>) {
  const { json } = runCliJson(["scan", set.modules, "--symvers", set.symvers]);
  const single = await scan([set.modules], { symvers: [set.symvers], threads: 1 });
  const byPath = new Map(single.modules.map((m) => [m.path, m]));
  const differ = (
    json.modules as {
      path: string;
      sha256: string;
      imports: number;
      licenses: string[];
      exports: unknown[];
      gplOnlyImports: unknown[];
    }[]
  ).filter((m) => {
    const s = byPath.get(m.path);
    return (
      !s ||
      s.facts.sha256 !== m.sha256 ||
      s.facts.imports.length !== m.imports ||
      JSON.stringify(s.facts.licenses) !== JSON.stringify(m.licenses) ||
      s.facts.exports.length !== m.exports.length ||
      s.imports.filter((i) => i.provider?.gplOnly).length !== m.gplOnlyImports.length
    );
  });
  expect(differ.map((m) => m.path)).toEqual([]);
  expect(json.modules).toHaveLength(single.modules.length);
  expect(json.summary.files).toBe(single.files);
}

describe.skipIf(skipCorpus)("worker threads give the results of a single thread", () => {
  // Compressed modules are what start the workers (engine/pool.ts); this thread reads alongside them.
  it("on the whole 6.12 tree of .ko.xz, module by module", async () => {
    await cliAgainstOneThread(corpusSet("amd64xz"));
  }, 600_000);

  // A JSON scan of plain modules: a worker reads and hashes each batch, this thread parses it (engine/read-ahead.ts).
  it("on the whole 6.1 tree of plain .ko, read and hashed ahead by a worker", async () => {
    await cliAgainstOneThread(corpusSet("amd64"));
  }, 600_000);
});
