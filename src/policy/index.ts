import type { ScanResult } from "../core/results.js";
import type { Baseline } from "./baseline-file.js";
import { applyBaseline } from "./baseline.js";
import { applySeverity, type SeverityOverrides } from "./severity.js";

export interface Policy {
  baseline?: { file: string; baseline: Baseline };
  severity?: SeverityOverrides;
}

/**
 * The policy passes over a finished scan, in the one order that keeps them independent: the
 * baseline sees the rules' own findings (so turning a rule off does not make its entries stale),
 * then severities are applied to what remains.
 */
export function applyPolicy(result: ScanResult, policy: Policy): ScanResult {
  const baselined = policy.baseline ? applyBaseline(result, policy.baseline.baseline, policy.baseline.file) : result;
  return applySeverity(baselined, policy.severity);
}

export { applyBaseline, baselineModuleName } from "./baseline.js";
export type { BaselineReport, StaleBaselineEntry } from "../core/results.js";
export {
  BASELINE_KIND,
  BASELINE_SCHEMA_VERSION,
  normalizeBaseline,
  parseBaseline,
  serializeBaseline,
  type Baseline,
  type BaselineEntry,
} from "./baseline-file.js";
export { recordBaseline, type RecordOptions, type RecordOutcome } from "./baseline-record.js";
export { declaredBlobLicense, needsSha256, type BlobLicenses } from "../audit/blob-licenses.js";
export { CONFIG_FILE_NAME, parseConfig, type KmodauditConfig } from "./config.js";
export { PolicyError } from "./errors.js";
export { applySeverity, effectiveSeverity, type RuleSetting, type SeverityOverrides } from "./severity.js";
