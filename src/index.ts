/**
 * kmodaudit's library API. The pipeline, stage by stage: bytes (files, decompression) → ELF views
 * → module facts → symbol resolution → policy (rules) → reporters. The CLI uses only this.
 */
export { scan, type ScanOptions } from "./engine/scan.js";
export { auditIncomplete, notJudgedOf, type NotJudgedInput } from "./audit/not-judged.js";
export { audit, type AuditOptions, type AuditOutcome, type InspectedObject } from "./audit/audit.js";
export { inspectInput } from "./kmod/inspect-input.js";
export { type InputResult, type Outcome } from "./core/outcome.js";
export { inspectBytes, readExportReferences, type InspectOptions, type Inspection } from "./kmod/facts.js";
export { type ObjectFacts } from "./core/facts.js";
export { parseElf, sectionBytes } from "./elf/elfy-adapter.js";
export { readSymbols, findSymtab } from "./elf/symbols.js";
export type { ElfFile, ElfSection, ElfSymbol } from "./elf/types.js";
export { parseModinfo, type Modinfo } from "./kmod/modinfo.js";
export { splitSignature } from "./kmod/signature.js";
export { type ModuleSignature } from "./core/facts.js";
export type { ExportedSymbol } from "./core/facts.js";
export { EXPORT_TYPES, type ExportType } from "./core/export-types.js";
export type { ImportedSymbol } from "./core/facts.js";
export { parseSymvers, type ExportTable, type KernelExport } from "./resolve/symvers.js";
export { mergeTables, type KernelTable } from "./resolve/kernel-table.js";
export { type TableSource } from "./core/kernel.js";
export { normalizeModuleName } from "./resolve/identity.js";
export { loadExportDatabase, readExportDatabaseHeader, EXPORT_DATABASE_FILE } from "./engine/tables.js";
export { decodeExportDatabase, decodeExportDatabaseHeader, embeddedTable, type ExportDatabase, type ExportDatabaseHeader, type EmbeddedRelease } from "./resolve/embedded-db.js";
export { chooseRelease, parseRelease, type EmbeddedChoice, type ParsedRelease } from "./resolve/embedded-select.js";
export { auditWithEmbedded, type EmbeddedOutcome } from "./audit/embedded.js";
export { DependencyGraph, type DependencyEdge, type EdgeSymbol } from "./core/graph.js";
export type { Provider, ResolvedImport } from "./core/kernel.js";
export { parseSystemMap } from "./resolve/system-map.js";
export { exportsFromVmlinux, parseVmlinux } from "./resolve/vmlinux.js";
export { kernelElf } from "./elf/kernel-image.js";
export { dependencyView, findModule, type DepsNode, type DepsView } from "./audit/deps.js";
export { attributeBlob, type BlobAttribution, type ReachedSymbol } from "./audit/attribution.js";
export { renderAttribution } from "./report/attribution.js";
export { depsJson, renderDepsDot, renderDepsMermaid, renderDepsTable } from "./report/deps.js";
export { readRegularFileSync } from "./engine/inspect-file.js";
export { VERSION } from "./version.js";
export { GPL_COMPATIBLE_LICENSES, isGplCompatible, licenseVerdicts } from "./rules/license.js";
export { RULES } from "./rules/meta.js";
export { type RuleId, type Severity } from "./core/findings.js";
export { toJson, renderJson } from "./report/json.js";
export { renderTable } from "./report/table.js";
export { notJudgedLines } from "./report/not-judged.js";
export { renderSarif, toSarif, FINGERPRINT_KEY, type SarifOptions } from "./report/sarif.js";
export { renderJunit, type JunitOptions } from "./report/junit.js";
export { renderMarkdown, type MarkdownOptions } from "./report/markdown.js";
export { findingFingerprint } from "./report/fingerprint.js";
export { renderHtml, type HtmlOptions } from "./report/html.js";
export {
  applyPolicy,
  applyBaseline,
  applySeverity,
  effectiveSeverity,
  parseBaseline,
  serializeBaseline,
  normalizeBaseline,
  recordBaseline,
  baselineModuleName,
  declaredBlobLicense,
  parseConfig,
  CONFIG_FILE_NAME,
  BASELINE_SCHEMA_VERSION,
  PolicyError,
  type Policy,
  type Baseline,
  type BaselineEntry,
  type BaselineReport,
  type StaleBaselineEntry,
  type RecordOptions,
  type RecordOutcome,
  type BlobLicenses,
  type KmodauditConfig,
  type RuleSetting,
  type SeverityOverrides,
} from "./policy/index.js";
export { auditRunningSystem, NoModuleTreeError, type RunningSystemOptions } from "./engine/running-system.js";
export { type RunningModule, type RunningSystem } from "./core/running.js";
export { parseProcModules, type ProcModules } from "./system/proc-modules.js";
export { type LoadedModule } from "./core/running.js";
export { decodeKernelTaint, explainModuleTaint, TAINT_FLAGS, type TaintFlag } from "./system/taint.js";
export { type ExplainedTaint, type KernelTaint } from "./core/running.js";
export { runningJson, renderRunningSection } from "./report/running.js";
export { FormatError } from "./core/errors.js";
export { DEFAULT_LIMITS, type DecodeLimits } from "./core/limits.js";
export type { AuditedModule, FileError, NotJudged, NotJudgedCode, ScanResult, SkippedFile } from "./core/results.js";
export type { Finding } from "./core/findings.js";
