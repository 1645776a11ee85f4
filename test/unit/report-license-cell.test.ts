import { describe, expect, it } from "vitest";
import type { AuditedModule } from "../../src/core/results.js";
import { licenseCell } from "../../src/report/license-cell.js";
import { licenseStanding, licenseVerdicts } from "../../src/rules/license.js";

/** A module or blob with only what the license cell reads. */
function judged(kind: "module" | "blob", licenses: string[], assumedLicense: string | null = null): AuditedModule {
  const blobVerdict = assumedLicense === null ? null : licenseVerdicts([assumedLicense]).loader;
  const gplCompatible = kind === "module" ? licenseVerdicts(licenses) : { loader: blobVerdict, modpost: blobVerdict };
  return { kind, assumedLicense, gplCompatible, facts: { licenses } } as unknown as AuditedModule;
}

describe("what a license stands for, from the audit's two verdicts", () => {
  it("GPL when both the loader and modpost accept it", () => {
    expect(licenseStanding(judged("module", ["GPL"]))).toBe("gpl");
  });

  it("non-GPL when either refuses it: a later tag modpost rejects is enough", () => {
    expect(licenseStanding(judged("module", ["GPL", "Proprietary"]))).toBe("non-gpl");
    expect(licenseStanding(judged("module", []))).toBe("non-gpl");
  });

  it("unknown for a blob without a license, and as stated for a blob with an assumed one", () => {
    expect(licenseStanding(judged("blob", []))).toBe("unknown");
    expect(licenseStanding(judged("blob", [], "NVIDIA"))).toBe("non-gpl");
    expect(licenseStanding(judged("blob", [], "GPL"))).toBe("gpl");
  });
});

describe("the license cell's words, which the text table and the HTML report both show", () => {
  it("one verdict when the loader and modpost agree", () => {
    expect(licenseCell(judged("module", ["Dual BSD/GPL"]))).toEqual({
      standing: "gpl",
      tags: ["Dual BSD/GPL"],
      verdict: "GPL",
    });
  });

  it("both verdicts when they disagree", () => {
    expect(licenseCell(judged("module", ["GPL", "Proprietary"])).verdict).toBe("loader GPL, modpost non-GPL");
  });

  it("(none) for a module without a license tag", () => {
    expect(licenseCell(judged("module", []))).toEqual({ standing: "non-gpl", tags: ["(none)"], verdict: "non-GPL" });
  });

  it("an assumed license marked as assumed", () => {
    expect(licenseCell(judged("blob", [], "NVIDIA"))).toEqual({
      standing: "non-gpl",
      tags: ["NVIDIA (assumed)"],
      verdict: "non-GPL",
    });
  });

  it("no tags and 'unknown (blob)' for a blob of unknown license", () => {
    expect(licenseCell(judged("blob", []))).toEqual({ standing: "unknown", tags: [], verdict: "unknown (blob)" });
  });
});
