import { describe, expect, it } from "vitest";
import { tablesPerKernel } from "../../src/engine/scan/tables-per-kernel.js";

const table = (file: string, release: string | null) => ({ source: { file }, release });

describe("tablesPerKernel (a scan of several kernels)", () => {
  it("gives each kernel the tables of its release, in the order loaded", () => {
    const t = [table("a1", "A"), table("b", "B"), table("a2", "A")];
    const { byKernel, unfit } = tablesPerKernel(t, ["A", "B"], null);
    expect(byKernel.get("A")?.map((x) => x.source.file)).toEqual(["a1", "a2"]);
    expect(byKernel.get("B")?.map((x) => x.source.file)).toEqual(["b"]);
    expect(unfit).toEqual([]);
  });

  it("leaves a kernel without a table of its own with none (the embedded database answers for it)", () => {
    expect(tablesPerKernel([table("a", "A")], ["A", "B"], null).byKernel.get("B")).toEqual([]);
  });

  it("ties a table that names no release to the release the caller named", () => {
    const { byKernel, unfit } = tablesPerKernel([table("x", null), table("b", "B")], ["A", "B"], "A");
    expect(byKernel.get("A")?.map((x) => x.source.file)).toEqual(["x"]);
    expect(unfit).toEqual([]);
  });

  it("applies a table of no kernel of the scan to none, and says so", () => {
    const { byKernel, unfit } = tablesPerKernel([table("c", "C"), table("x", null)], ["A", "B"], null);
    expect([...byKernel.values()].flat()).toEqual([]);
    expect(unfit.map((n) => [n.code, n.path])).toEqual([
      ["table-fits-no-kernel", "c"],
      ["table-fits-no-kernel", "x"],
    ]);
    expect(unfit[0]!.message).toContain("C");
    expect(unfit[1]!.message).toContain("--kernel-release");
  });
});
