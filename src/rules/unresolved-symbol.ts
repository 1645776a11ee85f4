import type { Rule } from "./types.js";
import { listForMessage, sortedUnique } from "./types.js";

export const unresolvedSymbol: Rule = {
  id: "unresolved-symbol",
  check(m, ctx) {
    // A blob's imports are resolved by its glue at link time; weak references may stay unresolved.
    if (!ctx.kernelTableKnown || m.kind !== "module") return [];
    const symbols = sortedUnique(m.imports.filter((i) => !i.provider && !i.weak).map((i) => i.symbol));
    if (symbols.length === 0) return [];
    return [{ message: `${symbols.length} import${symbols.length === 1 ? "" : "s"} provided by neither the kernel table nor any scanned module ("Unknown symbol" at load): ${listForMessage(symbols)}`, symbols }];
  },
};
