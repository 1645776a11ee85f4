import type { Rule } from "./types.js";

export const licenseTagsDisagree: Rule = {
  id: "license-tags-disagree",
  check(m) {
    const { loader, modpost } = m.gplCompatible;
    if (m.kind !== "module" || loader === modpost) return [];
    const tags = m.facts.licenses.map((l) => `"${l}"`).join(", ");
    return [
      {
        message:
          `license tags ${tags}: the loader reads only the first ` +
          `(${loader ? "GPL-compatible" : "not GPL-compatible"}), modpost requires all ` +
          `(${modpost ? "GPL-compatible" : "not GPL-compatible"})`,
        symbols: [],
      },
    ];
  },
};
