import { describe, expect, it } from "vitest";
import { DEFAULT_DEPMOD_CONFIG, parseDepmodConfig, type DepmodConfigFile } from "../../src/resolve/depmod-config.js";
import { chooseCopies, copyWins, depmodReadOrder, superFastHash } from "../../src/resolve/depmod-order.js";

const conf = (dir: string, name: string, text: string): DepmodConfigFile => ({ dir, name, text });
const RELEASE = "6.1.0-57-amd64";

describe("depmod.d as depmod parses it", () => {
  it("searches updates first when no file has a search line (kmod's default)", () => {
    expect(parseDepmodConfig([], RELEASE)).toEqual(DEFAULT_DEPMOD_CONFIG);
    expect(parseDepmodConfig([conf("etc/depmod.d", "a.conf", "# nothing\n")], RELEASE).searches).toEqual([
      { kind: "path", path: "updates" },
    ]);
  });

  it("keeps search entries in the order read, several per line, built-in and external as keywords", () => {
    const c = parseDepmodConfig(
      [conf("etc/depmod.d", "ubuntu.conf", "search updates ubuntu\tbuilt-in\nsearch extra external\n")],
      RELEASE,
    );
    expect(c.searches).toEqual([
      { kind: "path", path: "updates" },
      { kind: "path", path: "ubuntu" },
      { kind: "built-in" },
      { kind: "path", path: "extra" },
      { kind: "external" },
    ]);
  });

  it("ignores comments, blank lines and unknown commands, and joins lines ending in a backslash", () => {
    const c = parseDepmodConfig(
      [conf("lib/depmod.d", "x.conf", "# search nothing\n\nfrobnicate a b\nsearch extra \\\nupdates\n")],
      RELEASE,
    );
    expect(c.searches).toEqual([
      { kind: "path", path: "extra" },
      { kind: "path", path: "updates" },
    ]);
  });

  it("takes an override line only when its kernel pattern (* or a regex) matches the release", () => {
    const c = parseDepmodConfig(
      [
        conf(
          "etc/depmod.d",
          "o.conf",
          "override e1000e * extra\noverride ext4 ^6\\.1\\. updates/dkms\noverride xfs ^5\\. updates\noverride btrfs\n",
        ),
      ],
      RELEASE,
    );
    expect(c.overrides).toEqual(["extra/e1000e", "updates/dkms/ext4"]);
  });

  it("reads files by name across directories; a name in an earlier directory hides the later one's", () => {
    const c = parseDepmodConfig(
      [
        conf("lib/depmod.d", "10-b.conf", "search lib-b\n"),
        conf("lib/depmod.d", "20-a.conf", "search lib-a\n"),
        conf("etc/depmod.d", "20-a.conf", "search etc-a\n"),
        conf("run/depmod.d", "05-c.conf", "search run-c\n"),
        conf("etc/depmod.d", "notes.txt", "search never\n"),
        conf("etc/depmod.d", ".hidden.conf", "search never\n"),
      ],
      RELEASE,
    );
    expect(c.searches.map((s) => (s.kind === "path" ? s.path : s.kind))).toEqual(["run-c", "lib-b", "etc-a"]);
    expect(c.files).toEqual(["run/depmod.d/05-c.conf", "lib/depmod.d/10-b.conf", "etc/depmod.d/20-a.conf"]);
  });
});

describe("the copy of a module depmod keeps", () => {
  const dflt = DEFAULT_DEPMOD_CONFIG;

  it("prefers updates/ over kernel/ by default, wherever updates/ puts it", () => {
    expect(copyWins("updates/dkms/e1000e.ko", "kernel/drivers/net/e1000e/e1000e.ko", dflt)).toBe(true);
    expect(copyWins("kernel/drivers/net/e1000e/e1000e.ko", "updates/dkms/e1000e.ko", dflt)).toBe(false);
    expect(
      chooseCopies(["kernel/drivers/net/e1000e/e1000e.ko.xz", "updates/dkms/e1000e.ko", "kernel/fs/ext4/ext4.ko"], dflt)
        .shadowed,
    ).toEqual([{ path: "kernel/drivers/net/e1000e/e1000e.ko.xz", by: "updates/dkms/e1000e.ko" }]);
  });

  it("follows the search order: the first entry a copy lies under, built-in for the rest", () => {
    const c = parseDepmodConfig([conf("etc/depmod.d", "s.conf", "search extra built-in updates\n")], RELEASE);
    expect(copyWins("extra/foo.ko", "updates/foo.ko", c)).toBe(true);
    expect(copyWins("kernel/x/foo.ko", "updates/foo.ko", c)).toBe(true);
    expect(copyWins("updates/foo.ko", "kernel/x/foo.ko", c)).toBe(false);
  });

  it("lets an override line win over the search order, the later line over an earlier one", () => {
    const c = parseDepmodConfig(
      [conf("etc/depmod.d", "o.conf", "override foo * kernel/x\noverride foo * extra\n")],
      RELEASE,
    );
    expect(copyWins("kernel/x/foo.ko", "updates/foo.ko", c)).toBe(true);
    expect(copyWins("extra/foo.ko.xz", "kernel/x/foo.ko", c)).toBe(true);
  });

  it("names modules as depmod does: up to the first dot, dashes as underscores", () => {
    expect(chooseCopies(["kernel/a/snd-foo.ko", "updates/snd_foo.ko"], dflt).shadowed).toEqual([
      { path: "kernel/a/snd-foo.ko", by: "updates/snd_foo.ko" },
    ]);
  });
});

describe("the order depmod reads exports in (the last exporter of a symbol is its provider)", () => {
  it("hashes names as kmod's hash_superfast does", () => {
    const h = (s: string) => superFastHash(new TextEncoder().encode(s));
    // Values printed by kmod's shared/hash.c function compiled for x86-64.
    expect([h("ext4"), h("e1000e"), h("snd_hda_intel"), h("a"), h("ab"), h("abc"), h("été")]).toEqual([
      3866733334, 1109782235, 1849698465, 291415938, 1366002500, 3535673738, 454954888,
    ]);
  });

  it("reads the modules modules.order lists in its order, then the others in its table's order", () => {
    const order = ["kernel/b/b.ko", "kernel/a/a.ko"];
    const read = depmodReadOrder(["updates/xfs.ko", "kernel/a/a.ko.xz", "updates/ext4.ko", "kernel/b/b.ko"], order);
    // xfs hashes to bucket 2111514329 & 511 = 217, ext4 to 3866733334 & 511 = 278.
    expect(read).toEqual(["kernel/b/b.ko", "kernel/a/a.ko.xz", "updates/xfs.ko", "updates/ext4.ko"]);
  });
});
