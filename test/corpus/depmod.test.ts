import { readdirSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanResult } from "../../src/index.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { depmodDependencies } from "../helpers/depmod.js";

/** modules.dep as kmod's depmod writes it, for the tree under ROOT/lib/modules/VERSION. */
function treeDependencies(modulesDir: string): Map<string, string[]> {
  const root = dirname(dirname(dirname(realpathSync(modulesDir))));
  return depmodDependencies(root, readdirSync(join(root, "lib/modules"))[0]!);
}

describe.skipIf(skipCorpus).each(["amd64", "amd64xz", "i386", "s390x"] as const)(
  "the provider graph of the Debian %s tree",
  (name) => {
    let result: ScanResult;
    let depmod: Map<string, string[]>;

    beforeAll(async () => {
      const set = corpusSet(name);
      result = await scan([set.modules], { symvers: [set.symvers], detectTables: false });
      depmod = treeDependencies(set.modules);
    }, 600_000);

    it("covers the same modules as depmod", () => {
      expect(result.modules.map((m) => m.path).sort()).toEqual([...depmod.keys()].sort());
    });

    it("gives every module the same dependencies as depmod -n (modules.dep, transitive)", () => {
      const disagree: { path: string; ours: string[]; depmod: string[] }[] = [];
      for (const m of result.modules) {
        const ours = result.graph.transitiveDependencies(m.path).sort();
        const theirs = [...depmod.get(m.path)!].sort();
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) disagree.push({ path: m.path, ours, depmod: theirs });
      }
      console.log(`${name}: ${result.modules.length} modules, ${disagree.length} disagreements with depmod`);
      expect(disagree).toEqual([]);
    });

    it("agrees with every module's own depends= tag (no depends-mismatch on Debian's tree)", () => {
      expect(
        result.modules.flatMap((m) =>
          m.findings.filter((f) => f.rule === "depends-mismatch").map((f) => `${m.path}: ${f.message}`),
        ),
      ).toEqual([]);
    });
  },
);
