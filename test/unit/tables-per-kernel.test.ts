import { describe, expect, it } from "vitest";
import { kernelsUnder, tablesPerKernel, withTies } from "../../src/engine/scan/tables-per-kernel.js";

const table = (file: string, release: string | null, more: { tiedTo?: string; beside?: string } = {}) => ({
  source: { file },
  release,
  ...more,
});
const none = { kernelRelease: null };
const files = (tables: { source: { file: string } }[] | undefined) => tables?.map((t) => t.source.file);

describe("tablesPerKernel (a scan of several kernels)", () => {
  it("gives each kernel the tables of its release, in the order loaded", () => {
    const t = [table("a1", "A"), table("b", "B"), table("a2", "A")];
    const { byKernel, unfit } = tablesPerKernel(t, ["A", "B"], none);
    expect(files(byKernel.get("A"))).toEqual(["a1", "a2"]);
    expect(files(byKernel.get("B"))).toEqual(["b"]);
    expect(unfit).toEqual([]);
  });

  it("leaves a kernel without a table of its own with none (the embedded database answers for it)", () => {
    expect(tablesPerKernel([table("a", "A")], ["A", "B"], none).byKernel.get("B")).toEqual([]);
  });

  it("ties a table that names no release to the release the caller named", () => {
    const { byKernel, unfit } = tablesPerKernel([table("x", null), table("b", "B")], ["A", "B"], {
      kernelRelease: "A",
    });
    expect(files(byKernel.get("A"))).toEqual(["x"]);
    expect(unfit).toEqual([]);
  });

  it("applies a table of no kernel of the scan to none, and says so", () => {
    const { byKernel, unfit } = tablesPerKernel([table("c", "C"), table("x", null)], ["A", "B"], none);
    expect([...byKernel.values()].flat()).toEqual([]);
    expect(unfit.map((n) => [n.code, n.path])).toEqual([
      ["table-fits-no-kernel", "c"],
      ["table-fits-no-kernel", "x"],
    ]);
    expect(unfit[0]!.message).toContain("C");
    expect(unfit[1]!.message).toContain("--kernel-release");
    expect(unfit[1]!.message).toContain("--table-release FILE=RELEASE");
  });
});

describe("tablesPerKernel: a table the user tied to a release", () => {
  it("gives a table that names no release to the kernel it is tied to", () => {
    const { byKernel, unfit } = tablesPerKernel([table("x", null, { tiedTo: "B" })], ["A", "B"], none);
    expect(files(byKernel.get("B"))).toEqual(["x"]);
    expect(unfit).toEqual([]);
  });

  it("lets the tie override the release the table's name says", () => {
    const { byKernel } = tablesPerKernel([table("symvers-A.gz", "A", { tiedTo: "B" })], ["A", "B"], none);
    expect(files(byKernel.get("A"))).toEqual([]);
    expect(files(byKernel.get("B"))).toEqual(["symvers-A.gz"]);
  });

  it("lets the tie override --kernel-release and the directory the table was found beside", () => {
    const t = table("x", null, { tiedTo: "B", beside: "/scan/a" });
    const { byKernel } = tablesPerKernel([t], ["A", "B"], { kernelRelease: "A", kernelsUnder: () => new Set(["A"]) });
    expect(files(byKernel.get("B"))).toEqual(["x"]);
  });

  it("applies a table tied to a release no kernel of the scan has to none, and says it was tied", () => {
    const { byKernel, unfit } = tablesPerKernel([table("x", null, { tiedTo: "C" })], ["A", "B"], none);
    expect([...byKernel.values()].flat()).toEqual([]);
    expect(unfit.map((n) => [n.code, n.path])).toEqual([["table-fits-no-kernel", "x"]]);
    expect(unfit[0]!.message).toContain("tied to C");
  });

  it("with one kernel, gives each tied table its tie as its release and leaves the rest as loaded", () => {
    const tables = [table("x", "A", { tiedTo: "B" }), table("y", "A")];
    expect(withTies(tables).map((t) => [t.source.file, t.release])).toEqual([
      ["x", "B"],
      ["y", "A"],
    ]);
    const untied = [table("y", "A")];
    expect(withTies(untied)).toBe(untied);
  });
});

describe("tablesPerKernel: a table found beside a scanned directory", () => {
  const objects = [{ path: "a/m1.ko" }, { path: "a/sub/m2.ko" }, { path: "b/m3.ko" }, { path: "ab/m4.ko" }];
  const under = kernelsUnder(objects, (p) => `/scan/${p}`, ["A", "A", "B", "C"]);

  it("answers for the kernel of that directory when every object under it belongs to one", () => {
    const t = [
      table("/scan/a/Module.symvers", null, { beside: "/scan/a" }),
      table("/scan/b/Module.symvers", null, { beside: "/scan/b" }),
    ];
    const { byKernel, unfit } = tablesPerKernel(t, ["A", "B", "C"], { kernelRelease: null, kernelsUnder: under });
    expect(files(byKernel.get("A"))).toEqual(["/scan/a/Module.symvers"]);
    expect(files(byKernel.get("B"))).toEqual(["/scan/b/Module.symvers"]);
    expect(files(byKernel.get("C"))).toEqual([]);
    expect(unfit).toEqual([]);
  });

  it("stays unfit when the directory holds several kernels, and says so", () => {
    const t = [table("/scan/Module.symvers", null, { beside: "/scan" })];
    const { byKernel, unfit } = tablesPerKernel(t, ["A", "B", "C"], { kernelRelease: null, kernelsUnder: under });
    expect([...byKernel.values()].flat()).toEqual([]);
    expect(unfit.map((n) => [n.code, n.path])).toEqual([["table-fits-no-kernel", "/scan/Module.symvers"]]);
    expect(unfit[0]!.message).toContain("modules of 3 of them in the directory it was found in");
  });

  it("stays unfit when no object lies under the directory", () => {
    const t = [table("/elsewhere/Module.symvers", null, { beside: "/elsewhere" })];
    const { unfit } = tablesPerKernel(t, ["A", "B"], { kernelRelease: null, kernelsUnder: under });
    expect(unfit.map((n) => n.path)).toEqual(["/elsewhere/Module.symvers"]);
  });

  it("keeps the release the table's name says over the directory's kernel", () => {
    const t = [table("/scan/a/symvers-B.gz", "B", { beside: "/scan/a" })];
    const { byKernel } = tablesPerKernel(t, ["A", "B"], { kernelRelease: null, kernelsUnder: under });
    expect(files(byKernel.get("B"))).toEqual(["/scan/a/symvers-B.gz"]);
  });

  it("counts a directory's objects by path components, not by a shared prefix of names", () => {
    expect([...under("/scan/a")]).toEqual(["A"]);
    expect([...under("/scan/ab")]).toEqual(["C"]);
    expect([...under("/scan")].sort()).toEqual(["A", "B", "C"]);
  });
});
