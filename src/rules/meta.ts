export type Severity = "error" | "warning" | "info";

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Stable rule ids: used in JSON, SARIF, baselines and exit codes. Never rename one. */
export type RuleId =
  | "gpl-only-symbol-use"
  | "missing-license"
  | "license-tags-disagree"
  | "suspicious-license-string"
  | "unresolved-symbol"
  | "blob-uses-gpl-only";

export interface RuleMeta {
  severity: Severity;
  title: string;
  /** What it means and what to do, for people reading a report. */
  help: string;
}

export const RULES: Record<RuleId, RuleMeta> = {
  "gpl-only-symbol-use": {
    severity: "error",
    title: "Non-GPL module uses GPL-only symbols",
    help: "The module's license is not GPL-compatible (by the loader's first-tag rule or modpost's every-tag rule) yet it imports symbols exported with EXPORT_SYMBOL_GPL. The kernel refuses to resolve them for a proprietary module (\"Unknown symbol\") and modpost refuses to build it. Relicense the module under a GPL-compatible license, or stop using those interfaces.",
  },
  "missing-license": {
    severity: "warning",
    title: "No MODULE_LICENSE",
    help: "The module has no license= tag. The loader treats it as \"unspecified\" — proprietary, tainting the kernel (P) — and modpost refuses to build it. Add MODULE_LICENSE().",
  },
  "license-tags-disagree": {
    severity: "warning",
    title: "Loader and modpost disagree on the license",
    help: "Only the first license= tag counts when the module is loaded, but modpost requires every tag to be GPL-compatible. A module whose tags disagree loads as GPL while its later tags say otherwise: check which license really applies.",
  },
  "suspicious-license-string": {
    severity: "warning",
    title: "Suspicious license string",
    help: "The license tag either continues after an embedded NUL (the kernel reads only up to the NUL, so text after it is hidden from the loader — a trick seen in the wild), or mentions GPL without being one of the exact strings the kernel accepts (\"GPL\", \"GPL v2\", \"GPL and additional rights\", \"Dual BSD/GPL\", \"Dual MIT/GPL\", \"Dual MPL/GPL\"), so the kernel treats it as proprietary.",
  },
  "unresolved-symbol": {
    severity: "error",
    title: "Import provided by nothing known",
    help: "Neither the kernel export table in use nor any scanned module exports this symbol: the loader would fail with \"Unknown symbol\". The module was built for another kernel, or the module that provides it is missing from the scan.",
  },
  "blob-uses-gpl-only": {
    severity: "warning",
    title: "Vendor blob of unknown license uses GPL-only symbols",
    help: "A binary object without .modinfo imports GPL-only kernel symbols. Its license is declared by the glue module that links it; pass --assume-license to state the license that applies to the blob.",
  },
};
