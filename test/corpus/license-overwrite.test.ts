import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isGplCompatible } from "../../src/index.js";
import { runCliJson } from "../helpers/cli.js";
import { corpusSet, skipCorpus, type KernelSet } from "../helpers/corpus.js";
import { decompressAll, importsFromReadelf, listFiles, readelfSymbols, symversTypes } from "../helpers/tools.js";

/** Same length as `original`, not GPL-compatible: what a vendor editing a binary would write. */
function nonGplOfLength(original: string): string {
  const candidate = "Proprietary".padEnd(original.length, "!").slice(0, original.length);
  return isGplCompatible(candidate) ? "X".repeat(original.length) : candidate;
}

const COMPRESSORS: Record<string, (file: string) => Buffer> = {
  plain: (f) => readFileSync(f),
  gz: (f) => execFileSync("gzip", ["-n", "-c", f], { maxBuffer: 1 << 30 }),
  xz: (f) => execFileSync("xz", ["-c", "--check=crc32", f], { maxBuffer: 1 << 30 }),
  zst: (f) => execFileSync("zstd", ["-q", "-c", f], { maxBuffer: 1 << 30 }),
};

describe.skipIf(skipCorpus).each(["amd64", "amd64xz", "i386", "s390x"] as const satisfies readonly KernelSet[])(
  "a real %s module with its first license tag overwritten",
  (name) => {
    let symvers: string;
    let plainCopy: string;
    let expectedGplOnly: string[];

    beforeAll(async () => {
      const set = corpusSet(name);
      symvers = set.symvers;
      const types = symversTypes(set.symvers);
      // The first module (by path) under drivers/ that imports a few GPL-only symbols, per readelf.
      const candidates = (await listFiles(set.modules, "*.ko*")).filter((f) => f.includes("/drivers/"));
      const plain = await decompressAll(candidates.slice(0, 300));
      const symbols = await readelfSymbols([...plain.values()]);
      for (const [original, file] of plain) {
        const imports = importsFromReadelf(symbols.get(file) ?? [], name === "s390x" ? "s390" : "x86");
        const gpl = imports.filter((s) => types.get(s) === "EXPORT_SYMBOL_GPL");
        if (gpl.length >= 2) {
          expectedGplOnly = gpl;
          const bytes = readFileSync(file);
          const at = bytes.indexOf("license=");
          const end = bytes.indexOf(0, at);
          const value = bytes.toString("latin1", at + 8, end);
          bytes.write(nonGplOfLength(value), at + 8, "latin1");
          const dir = mkdtempSync(join(tmpdir(), "kmodaudit-relicensed-"));
          plainCopy = join(dir, basename(original).replace(/\.(xz|gz|zst)$/, ""));
          writeFileSync(plainCopy, bytes);
          return;
        }
      }
      throw new Error(`no module importing GPL-only symbols among the first 300 in ${name}`);
    }, 300_000);

    it.each(Object.keys(COMPRESSORS))(
      "yields gpl-only-symbol-use naming exactly its GPL-only imports, exit 1 (%s)",
      (kind) => {
        const file = kind === "plain" ? plainCopy : `${plainCopy}.${kind}`;
        if (kind !== "plain") writeFileSync(file, COMPRESSORS[kind]!(plainCopy));
        const { status, json } = runCliJson(["scan", file, "--symvers", symvers]);
        expect(status).toBe(1);
        expect(json.errors).toEqual([]);
        expect(json.modules).toHaveLength(1);
        const findings = json.modules[0].findings.filter((f: { rule: string }) => f.rule === "gpl-only-symbol-use");
        expect(findings).toHaveLength(1);
        expect(findings[0].symbols).toEqual(expectedGplOnly);
        expect(json.modules[0].gplCompatible.loader).toBe(false);
        expect(json.modules[0].compression).toBe(kind === "plain" ? null : { gz: "gzip", xz: "xz", zst: "zstd" }[kind]);
      },
    );
  },
);
