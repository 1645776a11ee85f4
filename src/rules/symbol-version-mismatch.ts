import { hexCrc } from "../core/facts.js";
import type { Rule } from "./types.js";
import { sortedUnique } from "../core/order.js";
import { listForMessage } from "./types.js";
import { plural } from "../core/plural.js";

/**
 * Every __versions entry is checked, as the loader does: the imports, and `module_layout`, which is
 * no import but whose CRC the loader compares first (check_modstruct_version).
 */
export const symbolVersionMismatch: Rule = {
  id: "symbol-version-mismatch",
  check(m, ctx) {
    if (m.kind !== "module" || m.facts.versions.length === 0) return [];
    const details: string[] = [];
    const symbols: string[] = [];
    for (const v of m.facts.versions) {
      // The index that resolved the imports, so the same provider they have, module_layout included.
      const provider = ctx.index.versionProvider(v);
      const have = provider?.crc;
      // A zero CRC is what Module.symvers records for a kernel built without modversions.
      if (!provider || have === null || have === undefined || have === 0 || have === v.crc) continue;
      symbols.push(v.symbol);
      details.push(`${v.symbol} (module ${hexCrc(v.crc)}, ${provider.name} ${hexCrc(have)})`);
    }
    if (symbols.length === 0) return [];
    return [
      {
        message:
          `disagrees about the version of ${plural(symbols.length, "symbol")}: ` + `${listForMessage(details, 3)}`,
        symbols: sortedUnique(symbols),
      },
    ];
  },
};
