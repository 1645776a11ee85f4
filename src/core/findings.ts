/* Rule ids, severities and the findings rules produce: the vocabulary of reports, baselines and exit codes. */

export type Severity = "error" | "warning" | "info";

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

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
