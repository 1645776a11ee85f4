import type { Rule } from "./types.js";
import { sortedUnique } from "../core/order.js";
import { listForMessage } from "./types.js";
import { plural } from "../core/plural.js";

export const blobUsesGplOnly: Rule = {
  id: "blob-uses-gpl-only",
  check(m) {
    if (m.kind !== "blob" || m.assumedLicense !== null) return [];
    const symbols = sortedUnique(m.imports.filter((i) => i.provider?.gplOnly).map((i) => i.symbol));
    if (symbols.length === 0) return [];
    return [
      {
        message:
          `license unknown (no .modinfo), imports ` +
          `${plural(symbols.length, "GPL-only symbol")}: ${listForMessage(symbols)}`,
        symbols,
      },
    ];
  },
};
