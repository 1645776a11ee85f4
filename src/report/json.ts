import { type AuditedModule, countedSkips, type ScanResult } from "../core/results.js";
import { hexCrc, type SymbolVersion } from "../core/facts.js";
import { RULES } from "../rules/meta.js";
import type { RuleId } from "../core/findings.js";
import { VERSION } from "../version.js";
import { effectiveSeverity } from "../policy/severity.js";
import { runningJson } from "./running.js";
import { compareCodeUnits } from "../core/order.js";
import { jsonChunks, LazyArray } from "./json-chunks.js";

const crcJson = (crc: number | null) => (crc === null ? null : hexCrc(crc));

type VersionJson = { symbol: string; crc: string };

/**
 * One JSON entry per distinct `__versions` entry: modules share theirs (engine/intern.ts), and a
 * tree has many times more entries than distinct ones, so formatting every CRC anew was a part of
 * a JSON scan worth saving.
 */
function versionEntries(): (v: SymbolVersion) => VersionJson {
  const made = new Map<SymbolVersion, VersionJson>();
  return (v) => {
    let e = made.get(v);
    if (!e) made.set(v, (e = { symbol: v.symbol, crc: hexCrc(v.crc) }));
    return e;
  };
}

function moduleJson(m: AuditedModule, versionJson: (v: SymbolVersion) => VersionJson) {
  const f = m.facts;
  return {
    path: m.path,
    sha256: f.sha256,
    name: m.name,
    kernel: m.kernel,
    kind: m.kind,
    dialect: f.dialect,
    compression: f.compression,
    elf: f.elf,
    modinfo: f.modinfo,
    ...(f.modinfoStray.length ? { modinfoStray: f.modinfoStray } : {}),
    licenses: f.licenses,
    ...(m.assumedLicense !== null ? { assumedLicense: m.assumedLicense } : {}),
    vermagic: f.vermagic,
    signature: f.signature,
    gplCompatible: m.gplCompatible,
    imports: f.imports.length,
    exports: f.exports.map((e) => ({
      symbol: e.symbol,
      gplOnly: e.gplOnly,
      namespace: e.namespace,
      type: e.type,
      crc: crcJson(e.crc),
    })),
    gplOnlyImports: m.imports
      .filter((i) => i.provider?.gplOnly)
      .map((i) => ({ symbol: i.symbol, provider: i.provider!.name, ...(i.weak ? { weak: true } : {}) }))
      .sort((a, b) => compareCodeUnits(a.symbol, b.symbol)),
    ...severalJson(m),
    unresolved: m.unresolved,
    versions: f.versions.map(versionJson).sort((a, b) => compareCodeUnits(a.symbol, b.symbol)),
    findings: m.findings.map((x) => ({
      rule: x.rule,
      severity: x.severity,
      message: x.message,
      symbols: x.symbols,
      chain: x.chain,
      ...(x.chains ? { chains: x.chains } : {}),
      ...(x.suppressedSymbols ? { suppressedSymbols: x.suppressedSymbols } : {}),
    })),
    ...(m.upgrades ? { upgrades: m.upgrades } : {}),
  };
}

/** Imports whose symbol several scanned modules export: the provider depmod picks and the others. */
function severalJson(m: AuditedModule) {
  const several = m.imports
    .filter((i) => i.provider?.alsoExportedBy)
    .map((i) => ({
      symbol: i.symbol,
      provider: i.provider!.name,
      path: i.provider!.path!,
      alsoExportedBy: i.provider!.alsoExportedBy!,
    }))
    .sort((a, b) => compareCodeUnits(a.symbol, b.symbol));
  return several.length ? { severalExporters: several } : {};
}

export function summaryOf(result: ScanResult) {
  const findings: Partial<Record<RuleId, number>> = {};
  for (const m of result.modules) for (const f of m.findings) findings[f.rule] = (findings[f.rule] ?? 0) + 1;
  const sortedFindings = Object.fromEntries(Object.entries(findings).sort(([a], [b]) => compareCodeUnits(a, b)));
  return {
    files: result.files,
    modules: result.modules.filter((m) => m.kind === "module").length,
    blobs: result.modules.filter((m) => m.kind === "blob").length,
    skipped: result.skipped.length + countedSkips(result.skipCounts),
    errors: result.errors.length,
    findings: sortedFindings,
  };
}

/** The JSON contract of design.md §3: field meanings are stable, arrays sorted. */
export interface JsonOptions {
  /** List archive members that are not modules too (they are always counted in summary.skipped). */
  listSkipped?: boolean;
}

const errorJson = (e: ScanResult["errors"][number]) => ({
  path: e.path,
  message: e.message,
  ...(e.structure ? { structure: e.structure } : {}),
  ...(e.offset === undefined ? {} : { offset: e.offset }),
});

const skippedJson = (s: ScanResult["skipped"][number]) => ({
  path: s.path,
  reason: s.reason,
  ...(s.shadowedBy === undefined ? {} : { shadowedBy: s.shadowedBy }),
});

/** The skipped files the report lists: archive members that are not modules only when asked. */
const listsSkipped = (options: JsonOptions) => (s: ScanResult["skipped"][number]) =>
  options.listSkipped === true || !s.member;

/** The report's top level around its long arrays, which `toJson` gives made and `jsonReport` makes as they are written. */
function reportObject<M, E, S>(result: ScanResult, lists: { modules: M; errors: E; skipped: S }) {
  return {
    schemaVersion: 1,
    tool: { name: "kmodaudit", version: VERSION },
    kernel: {
      sources: result.kernel.sources.map((s) => ({ kind: s.kind, file: s.file, origin: s.origin })),
      exports: result.kernel.exports,
      gplOnlyKnown: result.kernel.gplOnlyKnown,
      release: result.kernel.release,
    },
    kernels: result.kernels.map((k) => ({
      release: k.release,
      sources: k.sources.map((s) => ({ kind: s.kind, file: s.file, origin: s.origin })),
      exports: k.exports,
      gplOnlyKnown: k.gplOnlyKnown,
      modules: k.modules,
      ...(k.running ? { running: true } : {}),
    })),
    ...lists,
    notJudged: result.notJudged.map((n) => ({
      code: n.code,
      ...(n.path === undefined ? {} : { path: n.path }),
      message: n.message,
    })),
    summary: summaryOf(result),
    ...(result.running ? { running: runningJson(result.running) } : {}),
    ...(result.baseline ? { baseline: result.baseline } : {}),
    rules: Object.fromEntries(
      Object.entries(RULES).map(([id, r]) => [
        id,
        { severity: effectiveSeverity(result, id as RuleId), title: r.title },
      ]),
    ),
  };
}

export function toJson(result: ScanResult, options: JsonOptions = {}) {
  const versionJson = versionEntries();
  return reportObject(result, {
    modules: result.modules.map((m) => moduleJson(m, versionJson)),
    errors: result.errors.map(errorJson),
    skipped: result.skipped.filter(listsSkipped(options)).map(skippedJson),
  });
}

function* kept<T>(items: readonly T[], keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}

/** The JSON report in pieces, each module's entry made as it is written: no size of scan makes it one string. */
export function jsonReport(result: ScanResult, options: JsonOptions = {}): Generator<string> {
  const versionJson = versionEntries();
  return jsonChunks(
    reportObject(result, {
      modules: new LazyArray(result.modules, (m) => moduleJson(m, versionJson)),
      errors: new LazyArray(result.errors, errorJson),
      skipped: new LazyArray(kept(result.skipped, listsSkipped(options)), skippedJson),
    }),
  );
}

export function renderJson(result: ScanResult, options: JsonOptions = {}): string {
  return [...jsonReport(result, options)].join("");
}
