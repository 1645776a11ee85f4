/**
 * kmodaudit's library API. The pipeline, stage by stage: bytes (files, decompression) → ELF views
 * → module facts → symbol resolution → policy (rules) → reporters. The CLI uses only this.
 */
export { scan, type ScanOptions } from "./engine/scan.js";
export { auditIncomplete, notJudgedOf, type NotJudgedInput } from "./audit/not-judged.js";
export { audit, type AuditOptions, type AuditOutcome, type InspectedObject } from "./audit/audit.js";
export { inspectInput, type InputResult, type Outcome } from "./kmod/inspect-input.js";
export { inspectBytes, readExportReferences, type InspectOptions, type Inspection, type ObjectFacts } from "./kmod/facts.js";
export { parseElf, sectionBytes } from "./elf/elfy-adapter.js";
export { readSymbols, findSymtab } from "./elf/symbols.js";
export type { ElfFile, ElfSection, ElfSymbol } from "./elf/types.js";
export { parseModinfo, type Modinfo } from "./kmod/modinfo.js";
export { splitSignature, type ModuleSignature } from "./kmod/signature.js";
export type { ExportedSymbol, ExportType } from "./kmod/exports.js";
export type { ImportedSymbol } from "./kmod/imports.js";
export { parseSymvers, type ExportTable, type KernelExport } from "./resolve/symvers.js";
export { mergeTables, type KernelTable, type TableSource } from "./resolve/kernel-table.js";
export { normalizeModuleName } from "./resolve/identity.js";
export { loadExportDatabase, readExportDatabaseHeader, EXPORT_DATABASE_FILE } from "./engine/tables.js";
export { decodeExportDatabase, decodeExportDatabaseHeader, embeddedTable, type ExportDatabase, type ExportDatabaseHeader, type EmbeddedRelease } from "./resolve/embedded-db.js";
export { chooseRelease, parseRelease, type EmbeddedChoice, type ParsedRelease } from "./resolve/embedded-select.js";
export { auditWithEmbedded, type EmbeddedOutcome } from "./audit/embedded.js";
export { DependencyGraph, type DependencyEdge, type EdgeSymbol } from "./core/graph.js";
export type { Provider, ResolvedImport } from "./resolve/providers.js";
export { parseSystemMap } from "./resolve/system-map.js";
export { exportsFromVmlinux, parseVmlinux } from "./resolve/vmlinux.js";
export { kernelElf } from "./bytes/kernel-image.js";
export { dependencyView, findModule, type DepsNode, type DepsView } from "./audit/deps.js";
export { attributeBlob, type BlobAttribution, type ReachedSymbol } from "./audit/attribution.js";
export { renderAttribution } from "./report/attribution.js";
export { depsJson, renderDepsDot, renderDepsMermaid, renderDepsTable } from "./report/deps.js";
export { readRegularFileSync } from "./engine/inspect-file.js";
export { VERSION } from "./version.js";
export { GPL_COMPATIBLE_LICENSES, isGplCompatible, licenseVerdicts } from "./rules/license.js";
export { RULES, type RuleId, type Severity } from "./rules/meta.js";
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
export { auditRunningSystem, NoModuleTreeError, type RunningModule, type RunningSystem, type RunningSystemOptions } from "./engine/running-system.js";
export { parseProcModules, type LoadedModule, type ProcModules } from "./system/proc-modules.js";
export { decodeKernelTaint, explainModuleTaint, TAINT_FLAGS, type ExplainedTaint, type KernelTaint, type TaintFlag } from "./system/taint.js";
export { runningJson, renderRunningSection } from "./report/running.js";
export { FormatError } from "./core/errors.js";
export { DEFAULT_LIMITS, type DecodeLimits } from "./core/limits.js";
export type { AuditedModule, Finding, FileError, NotJudged, NotJudgedCode, ScanResult, SkippedFile } from "./core/results.js";
