import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DependencyEdge, type ScanResult, scan } from "../../src/index.js";
import { buildPicture } from "../../src/report/html-picture.js";
import { pictureSection } from "../../src/report/html-picture-section.js";
import { renderPictureSvg } from "../../src/report/html-svg.js";

/*
 * The dependency graph of a scan of several kernels (issue 18): the samples laid out twice, as
 * ROOT/lib/modules/<release>/ for two releases with the samples' Module.symvers beside each, so the
 * same modules, findings and table-only provider (cfg80211, which wl_glue imports from and no
 * sample is) appear in both kernels. Each kernel's graph is what the kernel's tree gives alone.
 */

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const RELEASES = ["6.1.0-56-amd64", "6.1.0-57-amd64"];
const WL = "kernel/wl/wl_glue.o";

let root: string;
let joint: ScanResult;
const alone = new Map<string, ScanResult>();
const treeOf = (release: string) => join(root, "lib", "modules", release);
/** A module's path in the joint scan from its path in its tree's (each relative to the path scanned). */
const inJoint = (release: string, path: string) => `lib/modules/${release}/${path}`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "kmodaudit-graph-kernels-"));
  const symvers = gunzipSync(readFileSync(join(SAMPLES, "symvers-6.1.0-56-amd64.gz")));
  for (const release of RELEASES) {
    const tree = treeOf(release);
    mkdirSync(join(tree, "build"), { recursive: true });
    writeFileSync(join(tree, "build", "Module.symvers"), symvers);
    cpSync(SAMPLES, join(tree, "kernel"), {
      recursive: true,
      filter: (p) => !/\/(src|vmkernel)$|\.gz$|\.md$|\.sh$/.test(p),
    });
  }
  joint = await scan([root]);
  for (const release of RELEASES) alone.set(release, await scan([treeOf(release)]));
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const tableKey = (release: string | null, name: string) => (release ? `table:${release}:${name}` : `table:${name}`);

describe("the dependency graph of a scan of two kernels", () => {
  it("holds both kernels, each module once", () => {
    expect(joint.kernels.map((k) => k.release)).toEqual(RELEASES);
    expect(joint.graph.names.size).toBe(joint.modules.length);
  });

  it("keys a module only a table names by its kernel: each kernel's cfg80211 has only that kernel's importers", () => {
    for (const release of RELEASES) {
      const importers = joint.graph.dependents(tableKey(release, "cfg80211")).map((e) => e.from);
      expect(importers).toEqual([inJoint(release, WL)]);
      expect(joint.graph.nameOf(tableKey(release, "cfg80211"))).toBe("cfg80211");
      expect(joint.graph.kernelOf(tableKey(release, "cfg80211"))).toBe(release);
    }
    expect(joint.graph.dependents("table:cfg80211")).toEqual([]);
  });

  it("answers importersOf per kernel for a table-only provider", () => {
    for (const release of RELEASES) {
      const wl = joint.modules.find((m) => m.path === inJoint(release, WL))!;
      const symbol = wl.imports.find((i) => i.provider?.name === "cfg80211")!.symbol;
      expect(joint.graph.importersOf(tableKey(release, "cfg80211"), symbol)).toEqual([wl.path]);
    }
  });

  it("names as importers of a symbol from a provider exactly the modules whose resolved imports take it from there", () => {
    // Worked out from the modules' own imports, not from the graph's edges that importersOf reads.
    const expected = new Map<string, string[]>();
    for (const m of joint.modules)
      for (const i of m.imports)
        if (i.provider && !i.provider.kernel) {
          const k = `${joint.graph.keyOf(m.path, i.provider)}\0${i.symbol}`;
          expected.set(k, [...(expected.get(k) ?? []), m.path]);
        }
    expect(expected.size).toBeGreaterThan(0);
    for (const [k, importers] of expected) {
      const [key, symbol] = k.split("\0") as [string, string];
      expect(joint.graph.importersOf(key, symbol).sort()).toEqual(importers.sort());
    }
    expect(joint.graph.importersOf(tableKey(RELEASES[0]!, "cfg80211"), "no_such_symbol")).toEqual([]);
  });

  it("gives each module the edges its tree alone gives it, table-only providers qualified by the release", () => {
    const edges = (es: DependencyEdge[]) => es.map((e) => ({ ...e, symbols: e.symbols.map((s) => s.symbol) }));
    for (const release of RELEASES) {
      const one = alone.get(release)!;
      const there = (path: string) => inJoint(release, path);
      for (const m of one.modules) {
        const expected = edges(one.graph.dependencies(m.path)).map((e) => ({
          ...e,
          from: there(e.from),
          to: e.inScan ? there(e.to) : tableKey(release, e.toName),
        }));
        expect(edges(joint.graph.dependencies(there(m.path))), m.path).toEqual(expected);
        expect(joint.graph.dependents(there(m.path)).map((e) => e.from)).toEqual(
          one.graph.dependents(m.path).map((e) => there(e.from)),
        );
      }
    }
  });

  it("keys the provider of an import by the importer's kernel", () => {
    const wl = joint.modules.find((m) => m.path === inJoint(RELEASES[1]!, WL))!;
    const p = wl.imports.find((i) => i.provider?.name === "cfg80211")!.provider!;
    expect(joint.graph.keyOf(wl.path, p)).toBe(tableKey(RELEASES[1]!, "cfg80211"));
  });
});

describe("the dependency graph of a scan of one kernel", () => {
  it("keys a module only a table names as it always did, and names no kernel", () => {
    const one = alone.get(RELEASES[0]!)!;
    expect(one.graph.dependents("table:cfg80211").map((e) => e.from)).toEqual([WL]);
    expect(one.graph.kernelOf(WL)).toBeNull();
    expect(one.graph.kernelOf("table:cfg80211")).toBeNull();
  });
});

describe("the HTML report's picture of a scan of two kernels", () => {
  it("draws a module in both kernels as two boxes, each naming its kernel", () => {
    const picture = buildPicture(joint);
    for (const name of ["proprietary_gpl_use", "vmlinux", "cfg80211"]) {
      const boxes = picture.nodes.filter((n) => n.name === name);
      expect(boxes.map((n) => n.kernel).sort(), name).toEqual(RELEASES);
    }
  });

  it("draws no edge between the boxes of two kernels", () => {
    const picture = buildPicture(joint);
    const kernelOf = new Map(picture.nodes.map((n) => [n.key, n.kernel]));
    for (const e of picture.edges) expect(kernelOf.get(e.to), `${e.from} → ${e.to}`).toBe(kernelOf.get(e.from));
  });

  it("groups the boxes under a heading per kernel, each box and edge saying its release", () => {
    const svg = renderPictureSvg(buildPicture(joint), new Map());
    const headings = [...svg.matchAll(/>Kernel ([^<]+)</g)].map((m) => m[1]);
    expect(headings).toEqual(RELEASES);
    for (const release of RELEASES) {
      expect(svg).toContain(`<text class="release"`);
      expect(svg).toMatch(new RegExp(`proprietary_gpl_use → vmlinux \\(kernel ${release.replace(/[.+]/g, "\\$&")}\\)`));
    }
  });

  it("says under the picture that each kernel is drawn on its own", () => {
    expect(pictureSection(buildPicture(joint), new Map())).toContain("Each kernel is drawn on its own");
  });

  it("names no kernel with one kernel in the scan", () => {
    const picture = buildPicture(alone.get(RELEASES[0]!)!);
    expect(picture.nodes.every((n) => n.kernel === null)).toBe(true);
    expect(pictureSection(picture, new Map())).not.toMatch(/>Kernel |class="release"|\(kernel |Each kernel/);
  });
});
