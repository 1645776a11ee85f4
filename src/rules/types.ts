import type { AuditedModule } from "../model.js";
import type { RuleId } from "./meta.js";

export interface RuleContext {
  /** A kernel export table is in use, so an import nobody provides is really unresolved. */
  kernelTableKnown: boolean;
}

/** What one rule reports about one module; the runner adds the id and severity. */
export interface FindingDraft {
  message: string;
  symbols: string[];
  chain?: string[];
}

export interface Rule {
  id: RuleId;
  check(module: Omit<AuditedModule, "findings">, ctx: RuleContext): FindingDraft[];
}

export function sortedUnique(symbols: Iterable<string>): string[] {
  return [...new Set(symbols)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "a, b, c" — or "a, b, c and 12 more" — for messages; the full list is in `symbols`. */
export function listForMessage(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
