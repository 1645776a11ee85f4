import { auditIncomplete, type ScanResult } from "../index.js";
import { failsAt, type FailOn } from "../policy/severity.js";

export type { FailOn };

export const EXIT = { ok: 0, findings: 1, incomplete: 2 } as const;

/**
 * 2 when the audit is incomplete (a file could not be read, or something asked for could not be
 * judged: see notJudged), else 1 when a finding reaches --fail-on, else 0.
 */
export function exitCodeFor(result: ScanResult, failOn: FailOn): number {
  if (auditIncomplete(result)) return EXIT.incomplete;
  const hit = result.modules.some((m) => m.findings.some((f) => failsAt(f.severity, failOn)));
  return hit ? EXIT.findings : EXIT.ok;
}
