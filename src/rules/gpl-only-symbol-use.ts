import type { Rule } from "./types.js";
import { isNonGpl, loaderLicense } from "./license.js";
import { sortedUnique } from "../core/order.js";
import { listForMessage } from "./types.js";
import { plural } from "../core/plural.js";

export const gplOnlySymbolUse: Rule = {
  id: "gpl-only-symbol-use",
  check(m) {
    if (!isNonGpl(m)) return []; // GPL-compatible, or a blob of unknown license
    const { loader } = m.gplCompatible;
    const gpl = m.imports.filter((i) => i.provider?.gplOnly);
    if (gpl.length === 0) return [];
    const symbols = sortedUnique(gpl.map((i) => i.symbol));
    const providers = sortedUnique(gpl.map((i) => i.provider!.name));
    const license = loaderLicense(m);
    const why =
      m.assumedLicense !== null
        ? `assumed license "${m.assumedLicense}" is not GPL-compatible`
        : loader === false
          ? license === null
            ? "no license (the loader treats it as proprietary)"
            : `license "${license}" is not GPL-compatible`
          : `license tags ${m.facts.licenses.map((l) => `"${l}"`).join(", ")} are not all GPL-compatible (modpost)`;
    // A weak reference the loader cannot resolve stays NULL and the module loads (simplify_symbols
    // lets an unresolved STB_WEAK symbol pass); modpost refuses the build all the same.
    const weak = sortedUnique(gpl.filter((i) => i.weak).map((i) => i.symbol));
    const weakly =
      weak.length === 0
        ? ""
        : weak.length === symbols.length
          ? `, all weakly: modpost refuses to build it, while the loader accepts it and leaves ${
              weak.length === 1 ? "that symbol" : "them"
            } NULL`
          : `; ${weak.length} of them weakly (${listForMessage(weak)}): the loader would leave those NULL, ` +
            "but refuses the module for the others";
    return [
      {
        message:
          `${why}, yet it imports ${plural(symbols.length, "GPL-only symbol")} from ` +
          `${providers.join(", ")}: ${listForMessage(symbols)}${weakly}`,
        symbols,
      },
    ];
  },
};
