import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, inspectInput, scan } from "../../src/index.js";
import { oldGnuSparseHeader, tarEnd } from "../helpers/archive-bytes.js";
import { isoOfOneExtent, manyEmptyMembers, nested, nestedOpaque, oneBigMember } from "../helpers/amplifiers.mjs";
import { BIN } from "../helpers/cli.js";

/*
 * Issue 23: small inputs built to cost far more than their size. Each stays under every per-file
 * limit; the bound is asserted through the scanning process's own peak RSS or through the work the
 * scan counts, never through time.
 */

const MiB = 2 ** 20;
/** What kmodaudit may hold for any one input, whatever it holds inside: the README's figure. */
const BOUND = 300 * MiB;
const SAMPLE = readFileSync(new URL("../../samples/gpl_clean.ko", import.meta.url));

/**
 * Runs the CLI on `path` and gives its report and its peak RSS, as the process itself measured it:
 * VmHWM, its own image's high-water mark (getrusage's maxRSS would carry the forking parent's over).
 */
function scanned(path: string, ...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ["--import", join(dir, "peak-rss.mjs"), BIN, "scan", path, "--format", "json", "--fail-on", "none", ...args],
    { encoding: "utf8", maxBuffer: 1 << 30 },
  );
  const rss = Number(/max-rss-kb (\d+)/.exec(r.stderr)?.[1]) * 1024;
  return { status: r.status, json: JSON.parse(r.stdout), rss, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kmodaudit-amplify-"));
  const status = 'readFileSync("/proc/self/status", "utf8")';
  writeFileSync(
    join(dir, "peak-rss.mjs"),
    'import { readFileSync } from "node:fs";\n' +
      `process.on("exit", () => process.stderr.write("\\nmax-rss-kb " + /VmHWM:\\s*(\\d+)/.exec(${status})[1] + "\\n"));\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a small archive with one large member that is no module", () => {
  it("is passed over as it decodes, never held whole", () => {
    const r = scanned(oneBigMember(dir, 384 * MiB), "--list-skipped");
    expect(r.json.skipped).toEqual([
      { path: expect.stringMatching(/one-big-member\.tar\.gz!\/pad$/), reason: expect.stringMatching(/^not ELF/) },
    ]);
    expect(r.rss).toBeLessThan(BOUND);
  });
});

describe("archives nested eight deep, each level decoding to more than it is", () => {
  it("reaches the module at the bottom while holding no level whole", () => {
    const r = scanned(nested(dir, 8, 48 * MiB, SAMPLE));
    const levels = Array.from({ length: 7 }, (_, i) => `level${i + 2}.tar.gz`).join("!/");
    expect(r.json.modules.map((m: { path: string }) => m.path)).toEqual([
      expect.stringMatching(new RegExp(`nested\\.tar\\.gz!/${levels.replaceAll(".", "\\.")}!/leaf\\.ko$`)),
    ]);
    expect(r.rss).toBeLessThan(BOUND);
  }, 120_000);
});

describe("archives nested six deep whose levels do not compress", () => {
  it("takes each level from a temporary file, not memory, and reaches the module at the bottom", () => {
    const r = scanned(nestedOpaque(dir, 6, 24 * MiB, SAMPLE));
    expect(r.json.modules.map((m: { path: string }) => m.path)).toEqual([
      expect.stringMatching(/level6\.tar\.gz!\/leaf\.ko$/),
    ]);
    expect(r.rss).toBeLessThan(BOUND);
  }, 120_000);
});

describe("a tar of many sparse members, each expanding within the limits of one", () => {
  it("stops at the input's budget, the limit named, the members before it kept", async () => {
    // 16 MiB each, the most one member of 512 stored bytes may expand to; a budget of 64 MiB.
    const head = SAMPLE.subarray(0, 512);
    const members = Array.from({ length: 8 }, (_, i) => [oldGnuSparseHeader(`s${i}.ko`, [[0, 512]], 16 * MiB), head]);
    const archive = Buffer.concat([...members.flat(), tarEnd()]);
    const limits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 64 * MiB };
    const r = await inspectInput(archive, { limits });
    expect(r.self).toMatchObject({ kind: "error", structure: "tar sparse member", message: /--max-input-ratio/ });
    expect(r.members.map((m) => m.path)).toEqual(["s0.ko", "s1.ko", "s2.ko", "s3.ko"]);
  });
});

describe("an archive of many empty members", () => {
  it("keeps little per member: every one is counted, and listed only when asked", () => {
    const count = 400_000;
    const r = scanned(manyEmptyMembers(dir, count));
    expect(r.json.summary.skipped).toBe(count);
    expect(r.rss).toBeLessThan(BOUND);
  }, 120_000);
});

describe("an ISO whose entries all point at one extent", () => {
  const names = 20;
  let iso: string;
  beforeAll(() => {
    const inner = readFileSync(oneBigMember(dir, 32 * MiB));
    iso = isoOfOneExtent(dir, inner, "x.tar.gz", names);
  });

  it("decodes the extent once and lists what it holds under every name", async () => {
    // A scan-wide budget of three copies: twenty decodings would pass it, one does not.
    const result = await scan([iso], { limits: { maxTotalDecompressedBytes: 3 * 32 * MiB + MiB }, threads: 1 });
    expect(result.errors).toEqual([]);
    expect(result.skipped.map((s) => s.path).sort()).toEqual(
      Array.from({ length: names }, (_, i) => `${iso}!/${i + 1}-x.tar.gz!/pad`).sort(),
    );
  }, 120_000);

  it("counts what it holds under every name when members are counted, not listed", async () => {
    const result = await scan([iso], { threads: 1, listSkippedMembers: false });
    expect([result.skipped, result.skipCounts?.map((c) => c.count), result.files]).toEqual([[], [names], names]);
  }, 120_000);
});
