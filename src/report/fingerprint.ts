import { createHash } from "node:crypto";
import type { AuditedModule } from "../core/results.js";
import { chainsOf, type Finding } from "../core/findings.js";
import { sortedUnique } from "../core/order.js";

/**
 * The other modules a finding is about. A chain starts with the two modules involved (the user
 * and the proprietary provider, or the non-GPL importer and the shim), then names symbols.
 */
export function counterparts(module: AuditedModule, finding: Finding): string[] {
  return sortedUnique(chainsOf(finding).flatMap((c) => c.slice(0, 2))).filter((x) => x !== module.name);
}

/**
 * A finding's identity across runs, as design.md §2 defines a finding: one per module, rule and
 * counterpart module. The module is known by its name, not its path (which depends on how the scan
 * was invoked); symbols are left out so that a finding that gains or loses a symbol, or is
 * narrowed by a baseline, stays the same finding with new content, as code-scanning alerts should.
 * Nothing about the run (order, threads, time) enters it. In a scan of several kernels the same
 * module in two kernels is two modules, so the reports pass its kernel's release, which then enters
 * the identity too (a scan of one kernel passes none: its fingerprints stay as they were).
 */
export function findingFingerprint(module: AuditedModule, finding: Finding, kernel?: string | null): string {
  const parts = [finding.rule, module.name, counterparts(module, finding)];
  const identity = JSON.stringify(kernel === undefined ? parts : [...parts, kernel]);
  return createHash("sha256").update(identity).digest("hex");
}
