import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { renderCycloneDx } from "../../src/report/cyclonedx.js";
import { renderSpdx } from "../../src/report/spdx.js";
import { CORPUS_DIR, corpusSet, skipCorpus, type KernelSet } from "../helpers/corpus.js";
import { cycloneDxProblems, independentProblems, spdxProblems } from "../helpers/sbom-schemas.js";

/*
 * The SBOMs of real inputs: each Debian tree of the corpus and a linux-image package, in both
 * formats, valid against each format's official schema by two validators, with one component or
 * package per module and the same hashes as the scan.
 */

const SETS: KernelSet[] = ["amd64", "amd64xz", "i386", "s390x"];

const byPath = (pairs: (string | null | undefined)[][]) =>
  [...pairs].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));

/** `independent`: also by Python's jsonschema, which takes ~20 s on a tree's CycloneDX (once is enough). */
async function check(paths: string[], independent: boolean) {
  const result = await scan(paths, { hash: true });
  const expected = byPath(result.modules.map((m) => [m.path, m.facts.sha256]));
  expect(expected.length).toBeGreaterThan(1000);

  const cdxText = renderCycloneDx(result);
  const cdx = JSON.parse(cdxText);
  expect(cycloneDxProblems(cdx)).toEqual([]);
  if (independent) expect(independentProblems("cyclonedx", cdxText)).toEqual([]);
  const components = cdx.components.filter((c: { type: string }) => c.type !== "operating-system");
  expect(
    byPath(
      components.map((c: { "bom-ref": string; hashes: { content: string }[] }) => [c["bom-ref"], c.hashes[0]!.content]),
    ),
  ).toEqual(expected);

  const spdxText = renderSpdx(result);
  const spdx = JSON.parse(spdxText);
  expect(spdxProblems(spdx)).toEqual([]);
  if (independent) expect(independentProblems("spdx", spdxText)).toEqual([]);
  const packages = spdx.packages.filter((p: { SPDXID: string }) => p.SPDXID.startsWith("SPDXRef-Module-"));
  expect(
    byPath(
      packages.map((p: { sourceInfo: string; checksums: { checksumValue: string }[] }) => [
        p.sourceInfo.replace(/^found at /, ""),
        p.checksums[0]!.checksumValue,
      ]),
    ),
  ).toEqual(expected);
}

describe.skipIf(skipCorpus)("SBOMs of the corpus", () => {
  it.each(SETS)(
    "the %s tree, as CycloneDX and SPDX",
    async (set) => check([corpusSet(set).modules], set === "s390x"),
    180_000,
  );

  it("a linux-image package, its members' paths inside it", async () => {
    const debs = join(CORPUS_DIR, "debs");
    const deb = readdirSync(debs).find((f) => /^linux-image-.*amd64.*\.deb$/.test(f));
    expect(deb).toBeDefined();
    await check([join(debs, deb!)], false);
  }, 180_000);
});
