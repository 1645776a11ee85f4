import type { ScanResult } from "../core/results.js";
import { RULES } from "../rules/meta.js";
import { SEVERITY_RANK, type RuleId, type Severity } from "../core/findings.js";

/** A rule's severity as a team sets it; "off" drops the rule's findings altogether. */
export type RuleSetting = Severity | "off";
export type SeverityOverrides = Partial<Record<RuleId, RuleSetting>>;

/** The severity a rule has in this result: the override when one was applied, else the rule's own. */
export function effectiveSeverity(result: Pick<ScanResult, "ruleSeverity">, rule: RuleId): RuleSetting {
  return result.ruleSeverity?.[rule] ?? RULES[rule].severity;
}

/** The least severity that fails a run (--fail-on), or "none": nothing fails. */
export type FailOn = Severity | "none";

/** Whether a finding of this severity fails the run: the exit code, JUnit's failures, the Markdown verdict. */
export function failsAt(severity: Severity, failOn: FailOn): boolean {
  return failOn !== "none" && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

/**
 * Applies per-rule severities as a policy pass over a finished result, so the exit code and every
 * reporter see the same severities: findings of "off" rules are removed, others re-graded. The
 * result remembers the overrides (`ruleSeverity`) for reporters that describe rules.
 */
export function applySeverity(result: ScanResult, overrides: SeverityOverrides | undefined): ScanResult {
  if (!overrides || Object.keys(overrides).length === 0) return result;
  const modules = result.modules.map((m) => ({
    ...m,
    findings: m.findings.flatMap((f) => {
      const s = overrides[f.rule];
      if (s === undefined) return [f];
      return s === "off" ? [] : [{ ...f, severity: s }];
    }),
  }));
  return { ...result, modules, ruleSeverity: { ...result.ruleSeverity, ...overrides } };
}
