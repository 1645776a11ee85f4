import { pushTo } from "../core/group.js";
import type { FindingDraft, ModuleUnderAudit, Rule } from "./types.js";
import { isNonGpl } from "./license.js";
import { compareCodeUnits, sortedUnique } from "../core/order.js";
import { listForMessage } from "./types.js";
import { plural } from "../core/plural.js";

/** A module that can be a shim: GPL to the loader, so it may use GPL-only symbols and export them on. */
export const canBeShim = (s: ModuleUnderAudit): boolean => s.kind === "module" && s.gplCompatible.loader === true;

/**
 * Judged per export, on the shim: an export whose own code (by its relocations) reaches GPL-only
 * symbols, imported by a non-GPL module. A GPL library whose plain API a proprietary driver uses
 * is not flagged unless those very exports call GPL-only symbols.
 */
export const gplShimReexport: Rule = {
  id: "gpl-shim-reexport",
  check(s, ctx) {
    if (!canBeShim(s)) return [];
    const byImporter = new Map<string, { exportName: string; gplOnly: string[] }[]>();
    for (const e of s.facts.exports) {
      const reached = s.facts.exportReferences?.[e.symbol] ?? [];
      const gplOnly = reached.filter((sym) => ctx.index.lookup(sym)?.gplOnly);
      if (gplOnly.length === 0) continue;
      for (const importer of ctx.graph.importersOf(s.path, e.symbol)) {
        const p = ctx.modules.get(importer);
        if (!p || !isNonGpl(p)) continue;
        pushTo(byImporter, importer, { exportName: e.symbol, gplOnly });
      }
    }
    const drafts: FindingDraft[] = [];
    for (const [importer, uses] of [...byImporter].sort(([a], [b]) => compareCodeUnits(a, b))) {
      const p = ctx.modules.get(importer)!;
      const chains = uses.flatMap((u) => u.gplOnly.map((g) => [p.name, s.name, u.exportName, g]));
      const described = uses.map((u) => `${u.exportName} → ${listForMessage(u.gplOnly, 3)}`);
      drafts.push({
        message:
          `non-GPL module ${p.name} imports ${plural(uses.length, "export")} whose code ` +
          `calls GPL-only symbols: ${listForMessage(described, 3)}`,
        symbols: sortedUnique(uses.map((u) => u.exportName)),
        chain: chains[0]!,
        chains,
      });
    }
    return drafts;
  },
};
