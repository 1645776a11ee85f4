import type { Rule } from "./types.js";

export const missingLicense: Rule = {
  id: "missing-license",
  dialects: ["linux", "vmkernel"],
  check(m) {
    if (m.kind !== "module" || m.facts.licenses.length > 0) return [];
    return [
      {
        message: "no license= tag: the loader treats the module as proprietary and modpost would refuse to build it",
        symbols: [],
      },
    ];
  },
};
