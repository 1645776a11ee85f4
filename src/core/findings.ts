/* Rule ids, severities and the findings rules produce: the vocabulary of reports, baselines and exit codes. */

export type Severity = "error" | "warning" | "info";

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Orders findings the most severe first, as every report lists them. */
export const mostSevereFirst = (a: { severity: Severity }, b: { severity: Severity }): number =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];

/** The most severe of the findings' severities; null when there are none. */
export function worstSeverity(findings: readonly { severity: Severity }[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) if (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}

/** Stable rule ids: used in JSON, SARIF, baselines and exit codes. Never rename one. */
export type RuleId =
  | "gpl-only-symbol-use"
  | "missing-license"
  | "license-tags-disagree"
  | "suspicious-license-string"
  | "unresolved-symbol"
  | "symbol-version-mismatch"
  | "missing-namespace-import"
  | "vermagic-mismatch"
  | "depends-mismatch"
  | "proprietary-taint-inherited"
  | "inherits-proprietary-taint"
  | "gpl-shim-reexport"
  | "dynamic-symbol-lookup"
  | "blob-uses-gpl-only"
  | "vmk-binds-gpl-module";

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** Every symbol the finding concerns, sorted. */
  symbols: string[];
  /** For findings that involve another module: the path through it (e.g. proprietary → shim → export → symbol). */
  chain: string[];
  /** Every such path when there are several; `chain` is the first. */
  chains?: string[][];
  /** Symbols of this finding a baseline accepts; `symbols` then holds only the new ones. */
  suppressedSymbols?: string[];
}

/** Every chain of a finding: its `chains` when it has several, else its one `chain`, else none. */
export function chainsOf(f: Pick<Finding, "chain" | "chains">): string[][] {
  return f.chains ?? (f.chain.length ? [f.chain] : []);
}
