import { describe, expect, it } from "vitest";
import { glueCandidates, kernelsOf, releaseInPath } from "../../src/audit/kernel-of.js";
import type { ObjectFacts } from "../../src/core/facts.js";

/** Only what kernel assignment reads of an object's facts. */
const facts = (kind: "module" | "object", dialect: "linux" | "vmkernel", vermagic: string | null) =>
  ({ kind, dialect, vermagic }) as unknown as ObjectFacts;
const module = (path: string, release: string | null = null) => ({
  path,
  facts: facts("module", "linux", release && `${release} SMP preempt mod_unload modversions `),
});
const blob = (path: string) => ({ path, facts: facts("object", "linux", null) });
const vmk = (path: string) => ({ path, facts: facts("module", "vmkernel", null) });

describe("releaseInPath", () => {
  it("reads the release of a lib/modules/<release>/ directory the path passes through", () => {
    expect(releaseInPath("lib/modules/6.1.0-57-amd64/kernel/fs/ext4/ext4.ko")).toBe("6.1.0-57-amd64");
    expect(releaseInPath("/x/lib/modules/6.12.118+deb12-amd64/kernel/a.ko.xz")).toBe("6.12.118+deb12-amd64");
  });

  it("takes the last such directory of a provenance chain", () => {
    const p = "lib/modules/6.1.0-50-s390x/x.img!/lib/modules/6.1.0-57-amd64/kernel/a.ko";
    expect(releaseInPath(p)).toBe("6.1.0-57-amd64");
    expect(releaseInPath("a.deb!/data.tar.xz!/./lib/modules/6.1.0-57-686-pae/kernel/b.ko")).toBe("6.1.0-57-686-pae");
  });

  it("says nothing of a path outside such a directory, or of the directory itself", () => {
    expect(releaseInPath("kernel/fs/ext4/ext4.ko")).toBeNull();
    expect(releaseInPath("mylib/modules/6.1/a.ko")).toBeNull();
    expect(releaseInPath("lib/modules/6.1.0-57-amd64")).toBeNull();
  });
});

describe("kernelsOf", () => {
  it("gives a module the release of its tree before that of its vermagic", () => {
    const objects = [module("lib/modules/A/kernel/a.ko", "B"), module("b.ko", "B")];
    expect(kernelsOf(objects)).toEqual(["A", "B"]);
  });

  it("puts every object in the only kernel when one is named, or in none when none is", () => {
    expect(kernelsOf([module("a.ko", "A"), blob("wl/wlc.o"), module("x.ko")])).toEqual(["A", "A", "A"]);
    expect(kernelsOf([blob("a.o"), vmk("b.o")])).toEqual([null, null]);
  });

  it("puts an object that names no release in the kernel of its own directory", () => {
    const objects = [module("A/net/a.ko", "A"), module("B/net/b.ko", "B"), blob("B/net/blob.o"), vmk("A/net/v.o")];
    expect(kernelsOf(objects)).toEqual(["A", "B", "B", "A"]);
  });

  it("else in the kernel of the nearest directory above that holds named modules", () => {
    const objects = [module("A/x/deep/a.ko", "A"), module("B/b.ko", "B"), blob("A/x/other/blob.o")];
    expect(kernelsOf(objects)[2]).toBe("A");
  });

  it("there, in the kernel most of them belong to, and on a tie in the first release by code units", () => {
    const most = [module("d/a1.ko", "B"), module("d/a2.ko", "B"), module("d/a3.ko", "A"), blob("d/o/blob.o")];
    expect(kernelsOf(most)[3]).toBe("B");
    const tie = [module("d/b.ko", "B"), module("d/a.ko", "A"), blob("d/blob.o")];
    expect(kernelsOf(tie)[2]).toBe("A");
    expect(kernelsOf([...tie].reverse())[0]).toBe("A");
  });

  it("reads the tree from where a path lies: a module of another vermagic in the tree given is the tree's", () => {
    const objects = [module("kernel/a.ko", "A"), module("updates/dkms/stale.ko", "B")];
    expect(kernelsOf(objects)).toEqual(["A", "B"]);
    expect(kernelsOf(objects, (p) => `/lib/modules/A/${p}`)).toEqual(["A", "A"]);
  });

  it("puts an object that names no release in the kernel whose glue defines what it imports", () => {
    const wlc = {
      path: "usr/src/wl/wlc.o",
      facts: { ...facts("object", "linux", null), imports: [{ symbol: "osl_malloc" }] },
    };
    const objects = [module("d/a1.ko", "A"), module("d/a2.ko", "A"), module("d/b.ko", "B"), wlc];
    expect(kernelsOf(objects)[3]).toBe("A");
    expect(kernelsOf(objects, undefined, new Map([["d/b.ko", new Set(["osl_malloc"])]]))[3]).toBe("B");
  });

  it("gives no weight to the names every module defines", () => {
    const v = { path: "v.o", facts: { ...facts("object", "linux", null), imports: [{ symbol: "__this_module" }] } };
    const objects = [module("d/a1.ko", "A"), module("d/a2.ko", "A"), module("d/b.ko", "B"), v];
    const defined = new Map([
      ["d/b.ko", new Set(["__this_module", "init_module"])],
      ["v.o", new Set(["init_module"])],
    ]);
    expect(kernelsOf(objects, undefined, defined)[3]).toBe("A");
  });
});

describe("glueCandidates", () => {
  const outOfTree = (path: string, release: string) => ({
    ...module(path, release),
    facts: { ...module(path, release).facts, modinfo: [] },
  });
  const inTree = (path: string, release: string) => ({
    ...module(path, release),
    facts: { ...module(path, release).facts, modinfo: [["intree", "Y"]] },
  });

  it("asks for the out-of-tree objects and the objects of no release when the scan holds several kernels", () => {
    const objects = [inTree("a.ko", "A"), outOfTree("b.ko", "B"), blob("c.o")];
    expect(glueCandidates(objects)).toEqual(["b.ko", "c.o"]);
  });

  it("asks for nothing with one kernel, or when every object names its kernel", () => {
    expect(glueCandidates([outOfTree("a.ko", "A"), blob("c.o")])).toEqual([]);
    expect(glueCandidates([outOfTree("a.ko", "A"), outOfTree("b.ko", "B")])).toEqual([]);
  });
});
