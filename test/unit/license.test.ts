import { describe, expect, it } from "vitest";
import { isGplCompatible, licenseVerdicts } from "../../src/index.js";

describe("license strings, exactly as include/linux/license.h compares them", () => {
  it.each(["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"])(
    "%j is GPL-compatible",
    (s) => {
      expect(isGplCompatible(s)).toBe(true);
    },
  );

  it.each(["GPLv2", "GPL ", "gpl", "GPL-2.0", "MIXED/Proprietary", "NVIDIA", "Proprietary", "Dual BSD/GPL ", ""])(
    "%j is not",
    (s) => {
      expect(isGplCompatible(s)).toBe(false);
    },
  );
});

describe("loader and modpost verdicts", () => {
  it("the loader reads only the first tag; modpost needs every tag", () => {
    expect(licenseVerdicts(["GPL", "Proprietary"])).toEqual({ loader: true, modpost: false });
    expect(licenseVerdicts(["Proprietary", "GPL"])).toEqual({ loader: false, modpost: false });
    expect(licenseVerdicts(["GPL and additional rights", "GPL"])).toEqual({ loader: true, modpost: true });
  });

  it('no tag is "unspecified" to the loader (proprietary) and a build error to modpost', () => {
    expect(licenseVerdicts([])).toEqual({ loader: false, modpost: false });
  });
});
