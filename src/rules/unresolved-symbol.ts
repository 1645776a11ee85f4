import type { Rule } from "./types.js";
import { listForMessage } from "./types.js";
import { plural } from "../core/plural.js";

export const unresolvedSymbol: Rule = {
  id: "unresolved-symbol",
  check(m) {
    const symbols = m.unresolved; // empty for blobs and when no kernel table is known
    if (symbols.length === 0) return [];
    return [
      {
        message:
          `${plural(symbols.length, "import")} provided by neither the kernel table nor ` +
          `any scanned module ("Unknown symbol" at load): ${listForMessage(symbols)}`,
        symbols,
      },
    ];
  },
};
