import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCliJson } from "../helpers/cli.js";
import { CORPUS_DIR, corpusSet, skipCorpus } from "../helpers/corpus.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));

/*
 * The CI gate on an installer image: an ISO made by xorriso holding a real Debian kernel package
 * and a tree of vendor modules, scanned as the image and as the directory it was made from.
 */
describe.skipIf(skipCorpus)("an installer image made by xorriso", () => {
  it("gives the same modules and findings as the directory it was made from, and gates with exit 1", () => {
    const tree = mkdtempSync(join(tmpdir(), "kmodaudit-iso-"));
    const pool = join(tree, "dvd/pool/main/l/linux");
    mkdirSync(pool, { recursive: true });
    const debs = join(CORPUS_DIR, "debs");
    const deb = readdirSync(debs).find((f) => /^linux-image-6\.1\.0-\d+-amd64-unsigned_.*\.deb$/.test(f))!;
    copyFileSync(join(debs, deb), join(pool, deb));
    mkdirSync(join(tree, "dvd/extra"));
    for (const f of ["proprietary_gpl_use.ko", "gpl_clean.ko"])
      copyFileSync(join(SAMPLES, f), join(tree, "dvd/extra", f));
    execFileSync(
      "xorriso",
      ["-as", "mkisofs", "-R", "-J", "-quiet", "-o", join(tree, "installer.iso"), join(tree, "dvd")],
      { stdio: "ignore" },
    );

    const symvers = corpusSet("amd64").symvers;
    const image = runCliJson(["scan", join(tree, "installer.iso"), "--symvers", symvers]);
    const dir = runCliJson(["scan", join(tree, "dvd"), "--symvers", symvers]);
    const view = (j: { modules: { path: string; sha256: string; findings: { rule: string }[] }[] }, prefix: string) =>
      j.modules.map((m) => [m.path.slice(prefix.length), m.sha256, m.findings.map((f) => f.rule)]).sort();
    expect(image.json.errors).toEqual([]);
    expect(image.json.modules.length).toBeGreaterThan(4000);
    expect(view(image.json, `${join(tree, "installer.iso")}!/`)).toEqual(view(dir.json, ""));
    expect(image.status).toBe(1); // proprietary_gpl_use.ko
    expect(
      image.json.modules.find((m: { path: string }) => m.path.endsWith("proprietary_gpl_use.ko")).findings[0].rule,
    ).toBe("gpl-only-symbol-use");
  }, 600_000);
});
