/**
 * kmodaudit's library API, in the order the pipeline runs: a file's bytes → the facts of each module
 * in it → the kernel's export tables → the audit (resolution and rules) → policy → reports. `scan`
 * runs every stage over paths; each stage is also exported alone and takes and returns plain data.
 * How the scan engine reads files (worker threads, read-ahead, ranged reads, interning) is not part
 * of the API: nothing here takes a buffer pool or a decoder choice. The CLI is built on this API.
 */

// Scanning: the whole pipeline over files, directories, packages and images, or the running system.
export { scan, type ScanOptions } from "./engine/scan.js";
export { upgrade, type UpgradeOptions } from "./engine/upgrade.js";
export { auditRunningSystem, NoModuleTreeError, type RunningSystemOptions } from "./engine/running-system.js";

// What a scan returns: plain data, and whether the audit was complete (the CLI's exit code 2).
export type {
  AuditedModule,
  BaselineReport,
  FileError,
  NotJudged,
  NotJudgedCode,
  ScanResult,
  SkippedFile,
  StaleBaselineEntry,
} from "./core/results.js";
export type { Finding, RuleId, Severity } from "./core/findings.js";
export type { DependencyEdge, DependencyGraph, EdgeSymbol } from "./core/graph.js";
export type { Provider, ResolvedImport, TableKind, TableSource } from "./core/kernel.js";
export type { ExplainedTaint, KernelTaint, LoadedModule, RunningModule, RunningSystem } from "./core/running.js";
export { auditIncomplete } from "./audit/not-judged.js";

// Module facts: one input's bytes (compressed, signed, or an archive of modules) → what each object declares.
export { inspectBytes, readExportReferences, type InspectOptions, type Inspection } from "./kmod/facts.js";
export { inspectInput } from "./kmod/inspect-input.js";
export type { InputResult, Outcome } from "./core/outcome.js";
export type {
  Compression,
  Endian,
  ExportedSymbol,
  ImportedSymbol,
  ModuleSignature,
  ObjectFacts,
  StrayModinfoString,
  SymbolVersion,
} from "./core/facts.js";
export { EXPORT_TYPES, type ExportType } from "./core/export-types.js";
export { DEFAULT_LIMITS, type DecodeLimits } from "./core/limits.js";
export { FormatError } from "./core/errors.js";

// The running system's own texts: /proc/modules and the taint flags.
export { parseProcModules, type ProcModules } from "./system/proc-modules.js";
export { decodeKernelTaint, explainModuleTaint, TAINT_FLAGS, type TaintFlag } from "./system/taint.js";

// Kernel export tables: Module.symvers, System.map, vmlinux, and the embedded database of Debian kernels.
export { parseSymvers, type ExportTable, type KernelExport } from "./resolve/symvers.js";
export { parseSystemMap } from "./resolve/system-map.js";
export { parseVmlinux } from "./resolve/vmlinux.js";
export { kernelElf } from "./elf/kernel-image.js";
export { mergeTables, type KernelTable } from "./resolve/kernel-table.js";
export {
  decodeExportDatabase,
  decodeExportDatabaseHeader,
  embeddedTable,
  type EmbeddedRelease,
  type ExportDatabase,
  type ExportDatabaseHeader,
} from "./resolve/embedded-db.js";
export { chooseRelease, parseRelease, type EmbeddedChoice, type ParsedRelease } from "./resolve/embedded-select.js";
export { EXPORT_DATABASE_FILE, loadExportDatabase, readExportDatabaseHeader } from "./engine/tables.js";

// The rules: what each one checks and how severe it is, and the license verdicts they rest on.
export { RULES, type RuleMeta } from "./rules/meta.js";
export { GPL_COMPATIBLE_LICENSES, isGplCompatible, licenseVerdicts, type LicenseVerdicts } from "./rules/license.js";

// The audit: resolution and the rules over facts already read (no I/O), and the views of its result.
export { audit, type AuditOptions, type AuditOutcome, type InspectedObject } from "./audit/audit.js";
export { auditWithEmbedded, type EmbeddedOutcome } from "./audit/embedded.js";
export { checkUpgrades } from "./audit/upgrades.js";
export { judgeUpgrade, type UpgradeJudgement, type UpgradeTarget } from "./audit/upgrade.js";
export type { ExportState, ModuleUpgrade, UpgradeChange, UpgradeChangeKind, UpgradeVerdict } from "./core/upgrade.js";
export { chooseUpgradeTarget, compareReleases, parseUpgradeTarget } from "./resolve/release-target.js";
export {
  symbolHistories,
  type ExportRow,
  type HistoryChange,
  type HistoryChangeKind,
  type HistoryState,
  type SymbolHistory,
} from "./resolve/export-history.js";
export { dependencyView, findModule, findModules, type DepsNode, type DepsView } from "./audit/deps.js";
export { attributeBlob, type BlobAttribution, type ReachedSymbol } from "./audit/attribution.js";

// Policy: the config file, baselines and per-rule severities, as passes over a finished result.
export {
  applyBaseline,
  applyPolicy,
  applySeverity,
  CONFIG_FILE_NAME,
  effectiveSeverity,
  parseBaseline,
  parseConfig,
  PolicyError,
  recordBaseline,
  serializeBaseline,
  type Baseline,
  type BaselineEntry,
  type BlobLicenses,
  type KmodauditConfig,
  type Policy,
  type RecordOptions,
  type RecordOutcome,
  type RuleSetting,
  type SeverityOverrides,
} from "./policy/index.js";

// Reports: a result (or a view of one) → the text of one format.
export { jsonReport, renderJson, toJson, type JsonOptions } from "./report/json.js";
export { renderCycloneDx, toCycloneDx, type CycloneDxOptions } from "./report/cyclonedx.js";
export { renderSpdx, toSpdx, type SpdxOptions } from "./report/spdx.js";
export { licenseMeaning, type LicenseMeaning } from "./report/sbom-license.js";
export { REPORT_SCHEMA_FILE } from "./report/schema-file.js";
export { renderTable, type TableOptions } from "./report/table.js";
export { notJudgedLines } from "./report/not-judged.js";
export { FINGERPRINT_KEY, renderSarif, toSarif, type SarifOptions } from "./report/sarif.js";
export { findingFingerprint } from "./report/fingerprint.js";
export { renderJunit, type JunitOptions } from "./report/junit.js";
export { renderMarkdown, type MarkdownOptions } from "./report/markdown.js";
export { renderHtml, type HtmlOptions } from "./report/html.js";
export { renderRunningSection, runningJson, type RunningTableOptions } from "./report/running.js";
export { depsJson, renderDepsDot, renderDepsMermaid, renderDepsTable, type DepsTableOptions } from "./report/deps.js";
export { renderAttribution, type AttributionOptions } from "./report/attribution.js";

export { VERSION } from "./version.js";
