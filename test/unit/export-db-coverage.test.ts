import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chooseRelease,
  embeddedTable,
  loadExportDatabase,
  type EmbeddedRelease,
  type ExportDatabase,
} from "../../src/index.js";
import { keepReleases } from "../helpers/export-db.js";

/*
 * What the shipped database covers: Debian's kernels from bullseye's 5.10 to unstable and
 * experimental, so that an export's history spans several years. The expectations are the forms of
 * Debian's release names, not a frozen list: a regeneration that adds ABIs keeps these true.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let db: ExportDatabase;
beforeAll(async () => {
  db = await loadExportDatabase();
});

const named = (re: RegExp) => db.releases.filter((r) => re.test(r.release));

describe("the shipped database's reach", () => {
  it("goes back to Debian 11: 5.10 builds for amd64, 686-pae, arm64 and armmp", () => {
    for (const flavour of ["amd64", "cloud-amd64", "686-pae", "arm64", "armmp"])
      expect(named(new RegExp(`^5\\.10\\.0-\\d+-${flavour}$`)).length, flavour).toBeGreaterThan(0);
  });

  it("has more than one 5.10 ABI, so an export's history inside the series shows too", () => {
    const abis = new Set(named(/^5\.10\.0-\d+-amd64$/).map((r) => r.release));
    expect(abis.size).toBeGreaterThan(1);
  });

  it("reaches unstable's +deb14 builds", () => {
    expect(named(/^\d+\.\d+\.\d+\+deb14-amd64$/).length).toBeGreaterThan(0);
    expect(named(/^\d+\.\d+\.\d+\+deb14-arm64$/).length).toBeGreaterThan(0);
  });

  it("takes every release's version from its package's upstream line", () => {
    const off = db.releases.filter((r: EmbeddedRelease) => {
      const [, line] = /^(\d+\.\d+)/.exec(r.release) ?? [];
      return line === undefined || !new RegExp(`^(\\d+:)?${line.replace(".", "\\.")}[.~]`).test(r.version);
    });
    expect(off.map((r) => `${r.release} ${r.version}`)).toEqual([]);
  });

  it("keeps each 5.10 release a table of its own, of a 5.10 kernel's size", () => {
    for (const r of named(/^5\.10\.0-\d+-(amd64|arm64|686-pae)$/)) {
      const t = embeddedTable(db, r.release);
      expect(t.exports.length).toBe(r.exports);
      expect(t.exports.some((e) => e.gplOnly)).toBe(true);
      expect(r.exports).toBeGreaterThan(15_000);
    }
  });
});

describe("the sources list records the new suites", () => {
  const rows = () =>
    readFileSync(join(ROOT, "data", "export-db.sources.tsv"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split("\t"));

  it("lists every release with a package named after it and a Module.symvers digest", () => {
    for (const [release, pkg, , , , sha256] of rows()) {
      expect(pkg).toBe(`linux-headers-${release}`);
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe("standing in for a 5.10 kernel the database lacks", () => {
  it("takes the nearest 5.10 build of the same flavour, never a 6.1 one", () => {
    const abis = named(/^5\.10\.0-\d+-amd64$/).map((r) => Number(/^5\.10\.0-(\d+)-/.exec(r.release)![1]));
    const newest = Math.max(...abis);
    const without = keepReleases(db, (r) => r.release !== `5.10.0-${newest}-amd64`);
    const choice = chooseRelease(without.releases, `5.10.0-${newest}-amd64`);
    expect(choice?.exact).toBe(false);
    expect(choice?.release).toMatch(/^5\.10\.0-\d+-amd64$/);
    expect(chooseRelease(db.releases, `5.10.0-${newest + 1}-amd64`)?.release).toBe(`5.10.0-${newest}-amd64`);
  });
});
