// The mutation fuzzer behind `npm run fuzz` (scripts/fuzz.mjs, on the built library) and the
// CI-sized run in test/fuzz.test.ts (on the sources). It mutates real modules where parsers look
// — the ELF header, section headers, symbol entries, the compressed stream — and runs the whole
// pipeline, accepting only facts, a skip, or the project's own FormatError.

/** xorshift32: reproducible runs from a seed. */
export function rng(seed) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { next, below: (n) => next() % Math.max(1, n), chance: (p) => next() / 0x100000000 < p };
}

const INTERESTING = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

/** Where an ELF's structures are, so mutations can aim at them (garbage in, no exceptions out). */
function structureOffsets(b) {
  const out = [];
  for (let i = 16; i < Math.min(64, b.length); i++) out.push(i);
  if (b.length < 64 || b[0] !== 0x7f || b[1] !== 0x45) return out;
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  try {
    const shoff = is64
      ? Number(le ? b.readBigUInt64LE(40) : b.readBigUInt64BE(40))
      : le
        ? b.readUInt32LE(32)
        : b.readUInt32BE(32);
    const shnum = le ? b.readUInt16LE(is64 ? 60 : 48) : b.readUInt16BE(is64 ? 60 : 48);
    const ent = is64 ? 64 : 40;
    for (let i = 0; i < shnum && shoff + (i + 1) * ent <= b.length; i++) {
      const at = shoff + i * ent;
      for (let f = 0; f < ent; f += 4) out.push(at + f);
      const type = le ? b.readUInt32LE(at + 4) : b.readUInt32BE(at + 4);
      if (type === 2 || type === 4 || type === 9) {
        // a few entries of symbol tables and relocation tables
        const off = is64
          ? Number(le ? b.readBigUInt64LE(at + 24) : b.readBigUInt64BE(at + 24))
          : le
            ? b.readUInt32LE(at + 16)
            : b.readUInt32BE(at + 16);
        for (let k = 0; k < 64; k++) out.push(off + k * 4);
      }
    }
  } catch {
    // offsets out of range in an already mutated seed: aim at the header only
  }
  return out.filter((o) => o >= 0 && o < b.length);
}

export function mutate(seed, r) {
  let b = Buffer.from(seed);
  const targets = structureOffsets(b);
  const rounds = 1 + r.below(4);
  for (let k = 0; k < rounds; k++) {
    const op = r.below(10);
    if (op < 4 && targets.length) {
      const at = targets[r.below(targets.length)];
      const width = [1, 2, 4, 8][r.below(4)];
      const v = r.chance(0.7) ? INTERESTING[r.below(INTERESTING.length)] : r.next();
      for (let i = 0; i < width && at + i < b.length; i++) b[at + i] = (v >>> ((i % 4) * 8)) & 0xff;
    } else if (op < 7) {
      for (let n = 1 + r.below(16); n > 0; n--) b[r.below(b.length)] ^= 1 << r.below(8);
    } else if (op < 8) {
      b = b.subarray(0, r.below(b.length + 1));
    } else if (op < 9 && b.length > 16) {
      const at = r.below(b.length);
      b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.below(256)))]);
    } else {
      const at = r.below(b.length);
      b = Buffer.concat([b.subarray(0, at), Buffer.alloc(1 + r.below(64), r.below(256)), b.subarray(at)]);
    }
    if (b.length === 0) break;
  }
  return b;
}

/**
 * Runs `iterations` mutated inputs through `check(bytes)`, which returns normally for facts or a
 * skip and throws on failure; a FormatError (per `isFormatError`) is an accepted outcome. Returns
 * counts and the inputs that failed otherwise or took longer than `slowMs`.
 */
export async function fuzz({ seeds, iterations, seed = 1, check, isFormatError, slowMs = 2000, onProgress }) {
  const r = rng(seed);
  const stats = { inputs: 0, facts: 0, formatErrors: 0, crashes: [], slow: [] };
  for (let i = 0; i < iterations; i++) {
    const s = seeds[r.below(seeds.length)];
    const input = mutate(s.bytes, r);
    const started = performance.now();
    try {
      await check(input);
      stats.facts++;
    } catch (e) {
      if (isFormatError(e)) stats.formatErrors++;
      else
        stats.crashes.push({
          seed: s.name,
          iteration: i,
          error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e),
          input,
        });
    }
    const ms = performance.now() - started;
    if (ms > slowMs) stats.slow.push({ seed: s.name, iteration: i, ms, input });
    stats.inputs++;
    if (onProgress && i % 10000 === 9999) onProgress(stats);
  }
  return stats;
}

/**
 * The whole pipeline on one input, from a library module (src/ under vitest, dist/ under node) and
 * the kmod/facts module beside it (`facts`: the library does not offer a choice of decoder):
 * facts with both section-header decoders, the relocation reader, resolution, rules, and both
 * reporters — every consumer of what a hostile file can put in the facts.
 */
export function pipelineCheck(lib, facts) {
  const table = lib.mergeTables([]);
  const limits = { ...lib.DEFAULT_LIMITS, maxDecompressedBytes: 64 << 20 };
  let n = 0;
  return async (input) => {
    // Archives are opened member by member; their members' outcomes are checked like files.
    const opened = await lib.inspectInput(input, { limits: { ...limits, maxMembers: 4096 }, hash: true });
    for (const m of opened.members)
      if (m.outcome.kind === "error" && m.outcome.message.startsWith("internal error"))
        throw new Error(m.outcome.message);
    if (opened.self?.kind === "error" && opened.self.message.startsWith("internal error"))
      throw new Error(opened.self.message);
    const r = await facts.inspectBytesWith(input, { limits, hash: true }, { decoder: n++ % 2 ? "direct" : "elfy" });
    if (r.outcome !== "facts") return;
    if (r.facts.exports.length) await lib.readExportReferences(input, limits);
    const out = await lib.audit([{ path: "fuzz.ko", facts: r.facts }], table);
    const result = {
      kernels: [{ sources: [], exports: 0, gplOnlyKnown: false, release: null, modules: out.modules.length }],
      kernel: { sources: [], exports: 0, gplOnlyKnown: false, release: null },
      modules: out.modules,
      graph: out.graph,
      errors: [],
      skipped: out.skipped,
      files: 1,
      notJudged: [],
    };
    JSON.parse(lib.renderJson(result));
    lib.renderTable(result, { all: true });
  };
}
