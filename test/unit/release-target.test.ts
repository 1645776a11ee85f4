import { describe, expect, it } from "vitest";
import { chooseUpgradeTarget, compareReleases, parseUpgradeTarget, type EmbeddedRelease } from "../../src/index.js";

const rel = (release: string, arch = "amd64"): EmbeddedRelease => ({
  release,
  package: `linux-headers-${release}`,
  version: "0",
  arch,
  exports: 1,
});

describe("the order of Debian's kernel releases", () => {
  it("goes by upstream line, then Debian line, then place in it; a release candidate before its line's builds", () => {
    const sorted = [
      "5.10.0-30-amd64",
      "5.10.0-46-amd64",
      "6.1.0-47-amd64",
      "6.1.0-57-amd64",
      "6.12.95+deb12-amd64",
      "6.12.118+deb12-amd64",
      "6.12.107+deb13-amd64",
      "6.12.115+deb13.1-amd64",
      "7.3-amd64",
      "7.3.4+deb13-amd64",
    ];
    expect([...sorted].reverse().sort(compareReleases)).toEqual(sorted);
  });
});

describe("what --to means for a module", () => {
  const releases = ["6.1.0-57-amd64", "6.12.95+deb12-amd64", "6.12.107+deb13-amd64", "6.12.107+deb13-cloud-amd64"]
    .map((r) => rel(r))
    .concat([rel("6.12.107+deb13-arm64", "arm64"), rel("7.3-amd64")]);

  it("a series: its newest build in the module's own flavour", () => {
    expect(chooseUpgradeTarget(releases, parseUpgradeTarget("6.12"), "6.1.0-57-amd64")?.release).toBe(
      "6.12.107+deb13-amd64",
    );
    expect(chooseUpgradeTarget(releases, parseUpgradeTarget("6.12"), "6.1.0-57-arm64")?.release).toBe(
      "6.12.107+deb13-arm64",
    );
  });

  it("latest: the newest build of the flavour, a release candidate included when nothing newer is there", () => {
    expect(chooseUpgradeTarget(releases, parseUpgradeTarget("latest"), "6.1.0-57-amd64")?.release).toBe("7.3-amd64");
  });

  it("nothing when the flavour has no build of the series, or the module names no release", () => {
    expect(chooseUpgradeTarget(releases, parseUpgradeTarget("6.12"), "6.1.0-57-686-pae")).toBeNull();
    expect(chooseUpgradeTarget(releases, parseUpgradeTarget("latest"), null)).toBeNull();
  });

  it("a release: that one, else the nearest of its series", () => {
    expect(chooseUpgradeTarget(releases, parseUpgradeTarget("6.12.95+deb12-amd64"), null)?.release).toBe(
      "6.12.95+deb12-amd64",
    );
    expect(chooseUpgradeTarget(releases, parseUpgradeTarget("6.12.96+deb12-amd64"), null)).toMatchObject({
      release: "6.12.95+deb12-amd64",
      exact: false,
    });
  });
});
