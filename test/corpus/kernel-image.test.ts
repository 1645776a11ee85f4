import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, kernelElf, parseVmlinux, scan } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { symversRows } from "../helpers/tools.js";

function bootFile(set: "amd64" | "i386", prefix: string): string {
  const boot = join(dirname(dirname(dirname(realpathSync(corpusSet(set).modules)))), "boot");
  return join(boot, readdirSync(boot).find((f) => f.startsWith(prefix))!);
}

describe.skipIf(skipCorpus).each(["amd64", "i386"] as const)(
  "the real Debian %s kernel image as an export table",
  (name) => {
    it("yields exactly the vmlinux rows of Module.symvers: symbol, export type, CRC and namespace", async () => {
      const elf = await kernelElf(readFileSync(bootFile(name, "vmlinuz-")), DEFAULT_LIMITS);
      const ours = parseVmlinux(elf)
        .exports.map((e) => [e.symbol, e.type, e.crc, e.namespace ?? ""].join("\t"))
        .sort();
      const rows = [...symversRows(corpusSet(name).symvers)]
        .filter(([, r]) => r.module === "vmlinux")
        .map(([s, r]) => [s, r.type, r.crc, r.namespace].join("\t"))
        .sort();
      expect(ours.length).toBeGreaterThan(5000);
      expect(ours).toEqual(rows);
    }, 120_000);

    it("--vmlinux gives the same GPL-only kernel imports as --symvers for every module of the tree", async () => {
      const set = corpusSet(name);
      const [viaImage, viaSymvers] = await Promise.all([
        scan([set.modules], { vmlinux: [bootFile(name, "vmlinuz-")], detectTables: false }),
        scan([set.modules], { symvers: [set.symvers], detectTables: false }),
      ]);
      const gpl = (r: typeof viaImage) =>
        new Map(
          r.modules.map((m) => [
            m.path,
            m.imports
              .filter((i) => i.provider?.gplOnly)
              .map((i) => i.symbol)
              .sort()
              .join(" "),
          ]),
        );
      expect(gpl(viaImage)).toEqual(gpl(viaSymvers));
      expect(viaImage.kernel.sources[0]).toMatchObject({ kind: "vmlinux" });
      expect(viaImage.kernel.release).toBe(viaSymvers.kernel.release);
    }, 300_000);
  },
);

describe.skipIf(skipCorpus)("Debian's placeholder System.map", () => {
  it("is refused with a message saying where the real one is", () => {
    const r = runCli([
      "scan",
      "--system-map",
      bootFile("amd64", "System.map-"),
      "--format",
      "json",
      corpusSet("amd64").symvers,
    ]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).errors[0].message).toMatch(
      /placeholder System\.map: the real one is in the linux-image-<version>-dbg package/,
    );
  });
});
