import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { CORPUS_DIR, corpusSet, skipCorpus } from "../helpers/corpus.js";

describe.skipIf(skipCorpus)("the Debian linux-image package scanned directly", () => {
  it("finds the same modules with the same findings as its tree extracted by dpkg-deb", async () => {
    const debs = join(CORPUS_DIR, "debs");
    const deb = join(debs, readdirSync(debs).find((f) => /^linux-image-6\.1\.0-\d+-amd64-unsigned_.*\.deb$/.test(f))!);
    const symvers = corpusSet("amd64").symvers;
    const out = mkdtempSync(join(tmpdir(), "kmodaudit-deb-"));
    execFileSync("dpkg-deb", ["-x", deb, out]);
    const [direct, extracted] = [await scan([deb], { symvers: [symvers] }), await scan([out], { symvers: [symvers] })];
    const view = (r: typeof direct, strip: RegExp) =>
      r.modules.map((m) => [m.path.replace(strip, ""), m.facts.sha256, m.findings.map((f) => f.rule)]).sort();
    expect(direct.errors).toEqual([]);
    expect(direct.modules.length).toBeGreaterThan(3000);
    expect(direct.modules[0]!.path).toMatch(/\.deb!\/data\.tar\.xz!\/lib\/modules\//);
    expect(view(direct, /^.*\.deb!\/data\.tar\.xz!\//)).toEqual(view(extracted, /^/));
  }, 600_000);
});
