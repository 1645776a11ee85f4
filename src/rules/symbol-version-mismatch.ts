import type { Rule } from "./types.js";
import { listForMessage, sortedUnique } from "./types.js";

export const symbolVersionMismatch: Rule = {
  id: "symbol-version-mismatch",
  check(m) {
    if (m.kind !== "module" || m.facts.versions.length === 0) return [];
    const expected = new Map(m.facts.versions.map((v) => [v.symbol, v.crc]));
    const details: string[] = [];
    const symbols: string[] = [];
    for (const imp of m.imports) {
      const want = expected.get(imp.symbol);
      const have = imp.provider?.crc;
      // A zero CRC is what Module.symvers records for a kernel built without modversions.
      if (want === undefined || have === null || have === undefined || have === 0 || want === have) continue;
      symbols.push(imp.symbol);
      details.push(`${imp.symbol} (module 0x${want.toString(16).padStart(8, "0")}, ${imp.provider!.name} 0x${have.toString(16).padStart(8, "0")})`);
    }
    if (symbols.length === 0) return [];
    return [{ message: `disagrees about the version of ${symbols.length} symbol${symbols.length === 1 ? "" : "s"}: ${listForMessage(details, 3)}`, symbols: sortedUnique(symbols) }];
  },
};
