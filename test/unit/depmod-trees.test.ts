import { describe, expect, it } from "vitest";
import type { ObjectFacts } from "../../src/core/facts.js";
import { DEFAULT_DEPMOD_CONFIG, parseDepmodConfig } from "../../src/resolve/depmod-config.js";
import { treePlace, type DepmodTree } from "../../src/engine/scan/depmod-config-files.js";
import { depmodView } from "../../src/engine/scan/depmod-trees.js";

const facts = (kind: ObjectFacts["kind"] = "module"): ObjectFacts => ({
  kind,
  dialect: "linux",
  sha256: null,
  compression: null,
  elf: { class: 64, endian: "little", machine: "x86_64" },
  modinfo: [],
  modinfoStray: [],
  licenses: ["GPL"],
  name: null,
  vermagic: null,
  depends: null,
  importNs: [],
  signature: null,
  exports: [],
  imports: [],
  versions: [],
});

const objects = (paths: string[]) => paths.map((path) => ({ path, facts: facts() }));
const as = (tree: DepmodTree) => () => tree;

describe("where a module lies in a lib/modules tree", () => {
  it("names the tree, the root that holds it and the path in it (the last tree a path passes through)", () => {
    expect(treePlace("/srv/img/lib/modules/6.1.0-57-amd64/updates/dkms/foo.ko")).toEqual({
      tree: "/srv/img/lib/modules/6.1.0-57-amd64",
      root: "/srv/img/",
      release: "6.1.0-57-amd64",
      rel: "updates/dkms/foo.ko",
    });
    expect(treePlace("/lib/modules/6.1.0-57-amd64/kernel/fs/ext4/ext4.ko")?.root).toBe("/");
    expect(treePlace("lib/modules/6.1/kernel/a.ko")?.root).toBe("");
    expect(treePlace("/tmp/foo.ko")).toBeNull();
  });

  it("finds a tree inside a package, whose depmod.d cannot be read from disk", () => {
    expect(treePlace("x.deb!/data.tar!/lib/modules/6.1/kernel/a.ko")).toMatchObject({
      root: "x.deb!/data.tar!/",
      rel: "kernel/a.ko",
    });
  });
});

describe("the scan's objects as depmod sees each tree", () => {
  const located = (p: string) => `/r/lib/modules/6.1/${p}`;

  it("leaves out the copy another copy of the same name shadows, and says which", () => {
    const v = depmodView(
      objects(["kernel/drivers/net/foo.ko", "updates/dkms/foo.ko", "kernel/fs/bar.ko"]),
      located,
      as({ config: DEFAULT_DEPMOD_CONFIG, order: null }),
    );
    expect(v.objects.map((o) => o.path)).toEqual(["updates/dkms/foo.ko", "kernel/fs/bar.ko"]);
    expect(v.shadowed).toEqual([
      {
        path: "kernel/drivers/net/foo.ko",
        shadowedBy: "updates/dkms/foo.ko",
        reason: "another copy of this module, updates/dkms/foo.ko, is the one depmod and modprobe use",
      },
    ]);
  });

  it("follows the tree's own depmod.d", () => {
    const config = parseDepmodConfig(
      [{ dir: "etc/depmod.d", name: "a.conf", text: "override foo * kernel/drivers/net\n" }],
      "6.1",
    );
    const v = depmodView(
      objects(["kernel/drivers/net/foo.ko", "updates/dkms/foo.ko"]),
      located,
      as({ config, order: null }),
    );
    expect(v.shadowed.map((s) => [s.path, s.shadowedBy])).toEqual([
      ["updates/dkms/foo.ko", "kernel/drivers/net/foo.ko"],
    ]);
  });

  it("ranks exporters as depmod reads them, the last read first; objects outside a tree are not ranked", () => {
    const v = depmodView(
      [...objects(["kernel/a.ko", "kernel/b.ko", "updates/c.ko"]), { path: "../loose.ko", facts: facts() }],
      (p) => (p.startsWith("..") ? "/elsewhere/loose.ko" : located(p)),
      as({ config: DEFAULT_DEPMOD_CONFIG, order: ["kernel/b.ko", "kernel/a.ko"] }),
    );
    expect(v.precedence).toEqual(
      new Map([
        ["updates/c.ko", 0],
        ["kernel/a.ko", 1],
        ["kernel/b.ko", 2],
      ]),
    );
  });

  it("leaves blobs and files depmod does not read (not .ko) alone", () => {
    const v = depmodView(
      [{ path: "kernel/foo.ko", facts: facts("object") }, ...objects(["updates/foo.ko", "updates/foo.o"])],
      located,
      as({ config: DEFAULT_DEPMOD_CONFIG, order: null }),
    );
    expect(v.shadowed).toEqual([]);
    expect(v.objects).toHaveLength(3);
  });
});
