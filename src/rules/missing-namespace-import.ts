import { pushTo } from "../core/group.js";
import type { Rule } from "./types.js";
import { compareCodeUnits, sortedUnique } from "../core/order.js";
import { listForMessage } from "./types.js";

export const missingNamespaceImport: Rule = {
  id: "missing-namespace-import",
  check(m) {
    if (m.kind !== "module") return [];
    const imported = new Set(m.facts.importNs);
    const byNamespace = new Map<string, string[]>();
    for (const imp of m.imports) {
      const ns = imp.provider?.namespace;
      if (!ns || imported.has(ns)) continue;
      pushTo(byNamespace, ns, imp.symbol);
    }
    if (byNamespace.size === 0) return [];
    const parts = [...byNamespace]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([ns, syms]) => `namespace ${ns} (${listForMessage(sortedUnique(syms), 3)})`);
    return [
      {
        message: `uses symbols without importing their namespace: ${parts.join("; ")}`,
        symbols: sortedUnique([...byNamespace.values()].flat()),
      },
    ];
  },
};
