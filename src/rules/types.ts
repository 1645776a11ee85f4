import type { AuditedModule } from "../core/results.js";
import type { DependencyGraph } from "../core/graph.js";
import type { ProviderIndex } from "../resolve/providers.js";
import type { RuleId } from "../core/findings.js";

export type ModuleUnderAudit = Omit<AuditedModule, "findings">;

/** What rules may consult beyond the module at hand: the rest of the scan and the target kernel. */
export interface RuleContext {
  /** A kernel export table is in use, so an import nobody provides is really unresolved. */
  kernelTableKnown: boolean;
  /** The target kernel's release, when known. */
  targetRelease: string | null;
  index: ProviderIndex;
  graph: DependencyGraph;
  /** Every module and blob of the scan, by path. */
  modules: ReadonlyMap<string, ModuleUnderAudit>;
}

/** What one rule reports about one module; the runner adds the id and severity. */
export interface FindingDraft {
  message: string;
  symbols: string[];
  chain?: string[];
  /** Every chain when there are several (gpl-shim-reexport); `chain` is the first. */
  chains?: string[][];
}

export interface Rule {
  id: RuleId;
  /** The module dialects the rule speaks about; Linux only unless it says otherwise. */
  dialects?: readonly ("linux" | "vmkernel")[];
  check(module: ModuleUnderAudit, ctx: RuleContext): FindingDraft[];
}

/** "a, b, c" — or "a, b, c and 12 more" — for messages; the full list is in `symbols`. */
export function listForMessage(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
