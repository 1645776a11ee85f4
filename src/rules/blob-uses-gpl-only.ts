import type { Rule } from "./types.js";
import { sortedUnique } from "../core/order.js";
import { listForMessage } from "./types.js";

export const blobUsesGplOnly: Rule = {
  id: "blob-uses-gpl-only",
  check(m) {
    if (m.kind !== "blob" || m.assumedLicense !== null) return [];
    const symbols = sortedUnique(m.imports.filter((i) => i.provider?.gplOnly).map((i) => i.symbol));
    if (symbols.length === 0) return [];
    return [{ message: `license unknown (no .modinfo), imports ${symbols.length} GPL-only ` +
          `symbol${symbols.length === 1 ? "" : "s"}: ${listForMessage(symbols)}`, symbols }];
  },
};
