import type { ScanResult } from "../core/results.js";
import { compareCodeUnits } from "../core/order.js";
import { plural } from "../core/plural.js";

/** How many items a sentence names before it says how many more the JSON report lists. */
const NAMED = 5;

/** Imports whose symbol several scanned modules export, once per symbol and provider, sorted. */
export function severalExporters(result: ScanResult): { symbol: string; provider: string; others: string[] }[] {
  const seen = new Map<string, { symbol: string; provider: string; others: string[] }>();
  for (const m of result.modules)
    for (const i of m.imports) {
      const p = i.provider;
      if (!p?.alsoExportedBy) continue;
      const key = `${i.symbol}\0${p.path ?? p.name}`;
      if (!seen.has(key)) seen.set(key, { symbol: i.symbol, provider: p.path ?? p.name, others: p.alsoExportedBy });
    }
  return [...seen.values()].sort(
    (a, b) => compareCodeUnits(a.symbol, b.symbol) || compareCodeUnits(a.provider, b.provider),
  );
}

function listed(items: string[]): string {
  const more = items.length - NAMED;
  return more > 0 ? `${items.slice(0, NAMED).join(", ")} and ${more} more (--format json lists all)` : items.join(", ");
}

/**
 * The sentences under a report on what depmod decides for it: copies of a module another copy
 * shadows (left out), and symbols several modules export (each resolved to the one depmod picks).
 * `shown`: the format's escaping of strings from the scanned files.
 */
export function depmodSentences(result: ScanResult, shown: (text: string) => string): string[] {
  const out: string[] = [];
  const shadowed = result.skipped.filter((s) => s.shadowedBy !== undefined);
  if (shadowed.length)
    out.push(
      `${plural(shadowed.length, "module")} shadowed by another copy of the same name, left out as depmod ` +
        `leaves ${shadowed.length === 1 ? "it" : "them"} out: ` +
        listed(shadowed.map((s) => `${shown(s.path)} (by ${shown(s.shadowedBy!)})`)) +
        ".",
    );
  const several = severalExporters(result);
  if (several.length)
    out.push(
      `${plural(several.length, "imported symbol")} exported by several scanned modules, each resolved to the ` +
        "one depmod gives it to: " +
        listed(
          several.map((s) => `${shown(s.symbol)} from ${shown(s.provider)} (also ${s.others.map(shown).join(", ")})`),
        ) +
        ".",
    );
  return out;
}
