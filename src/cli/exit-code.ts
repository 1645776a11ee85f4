import { auditIncomplete, type ScanResult } from "../index.js";
import { SEVERITY_RANK, type Severity } from "../core/findings.js";

export type FailOn = Severity | "none";

export const EXIT = { ok: 0, findings: 1, incomplete: 2 } as const;

/**
 * 2 when the audit is incomplete (a file could not be read, or something asked for could not be
 * judged: see notJudged), else 1 when a finding reaches --fail-on, else 0.
 */
export function exitCodeFor(result: ScanResult, failOn: FailOn): number {
  if (auditIncomplete(result)) return EXIT.incomplete;
  if (failOn === "none") return EXIT.ok;
  const threshold = SEVERITY_RANK[failOn];
  const hit = result.modules.some((m) => m.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold));
  return hit ? EXIT.findings : EXIT.ok;
}
