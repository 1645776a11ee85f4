import type { TableSource, Provider, ResolvedImport } from "../core/kernel.js";
import type { Finding, RuleId } from "../core/findings.js";
import type { AuditedModule } from "../core/results.js";
import type { ExportState, ModuleUpgrade, UpgradeChange, UpgradeVerdict } from "../core/upgrade.js";
import { compareCodeUnits } from "../core/order.js";
import { mergeTables } from "../resolve/kernel-table.js";
import { normalizeModuleName } from "../resolve/identity.js";
import type { ExportTable } from "../resolve/symvers.js";
import { audit, type AuditOptions } from "./audit.js";

/** One target kernel of an upgrade check: its release and export table. */
export interface UpgradeTarget {
  release: string;
  /** What was asked for (`--to`): the release itself, a series or `latest`. */
  asked: string;
  table: ExportTable;
  source: TableSource;
  /** The other flavours of the same build, to tell `gone` from `flavour`. */
  siblings?: readonly { flavour: string; exports: (symbol: string) => boolean }[];
}

export interface UpgradeJudgement {
  upgrade: ModuleUpgrade;
  /** The audit's findings against the target, each message naming it, but for what a rebuild remakes. */
  findings: Finding[];
}

/**
 * Rules an upgrade does not report: a module is rebuilt for the new kernel, which remakes its CRCs,
 * its vermagic and its `depends=` (a changed provider is reported as a change instead).
 */
const REMADE_BY_REBUILD: ReadonlySet<RuleId> = new Set([
  "symbol-version-mismatch",
  "vermagic-mismatch",
  "depends-mismatch",
]);
/** Rules whose findings modpost turns into a failed build. */
const BUILD_FAILS: ReadonlySet<RuleId> = new Set(["unresolved-symbol", "missing-namespace-import", "missing-license"]);

const intree = (m: AuditedModule) => m.facts.modinfo.some(([k, v]) => k === "intree" && v === "Y");

const stateOf = (p: Provider): ExportState => ({
  provider: p.name,
  type: p.type,
  gplOnly: p.gplOnly,
  namespace: p.namespace,
});

function changesOf(before: readonly ResolvedImport[], after: AuditedModule, target: UpgradeTarget): UpgradeChange[] {
  const now = new Map(after.imports.map((i) => [i.symbol, i.provider]));
  const changes: UpgradeChange[] = [];
  for (const b of before) {
    if (!b.provider) continue;
    const was = stateOf(b.provider);
    const a = now.get(b.symbol) ?? null;
    if (!a) {
      const flavours = (target.siblings ?? []).filter((s) => s.exports(b.symbol)).map((s) => s.flavour);
      changes.push({
        symbol: b.symbol,
        change: flavours.length ? "flavour" : "gone",
        weak: b.weak,
        before: was,
        after: null,
        ...(flavours.length ? { flavours } : {}),
      });
      continue;
    }
    const is = stateOf(a);
    const change = (kind: UpgradeChange["change"]) =>
      changes.push({ symbol: b.symbol, change: kind, weak: b.weak, before: was, after: is });
    if (!was.gplOnly && is.gplOnly) change("gpl-only");
    if (is.namespace && is.namespace !== was.namespace && !after.facts.importNs.includes(is.namespace))
      change("namespace");
    if (normalizeModuleName(is.provider) !== normalizeModuleName(was.provider)) change("provider");
  }
  return changes.sort((x, y) => compareCodeUnits(x.symbol, y.symbol) || compareCodeUnits(x.change, y.change));
}

function verdictOf(m: AuditedModule, findings: readonly Finding[]): { verdict: UpgradeVerdict; why: string[] } {
  const errors = findings.filter((f) => f.severity === "error");
  const build = errors.filter(
    (f) => BUILD_FAILS.has(f.rule) || (f.rule === "gpl-only-symbol-use" && m.gplCompatible.modpost === false),
  );
  if (build.length) return { verdict: "build-fails", why: build.map((f) => f.message) };
  if (errors.length) return { verdict: "load-refused", why: errors.map((f) => f.message) };
  return { verdict: "builds-and-loads", why: [] };
}

/**
 * Judges a kernel's modules against a target kernel's exports: the audit run again against the
 * target's table, and each import's export compared with what it resolved to before. Modules the
 * kernel itself ships (`intree=Y`) come with the target kernel in its own build, so their exports
 * are the target table's, not the scanned files': they are judged, but provide nothing.
 */
export async function judgeUpgrade(
  modules: readonly AuditedModule[],
  target: UpgradeTarget,
  options: AuditOptions = {},
): Promise<Map<string, UpgradeJudgement>> {
  const objects = modules.map((m) => ({
    path: m.path,
    facts: intree(m) ? { ...m.facts, exports: [] } : m.facts,
  }));
  const kernel = mergeTables([{ source: target.source, table: target.table }], target.release);
  const outcome = await audit(objects, kernel, options);
  const before = new Map(modules.map((m) => [m.path, m]));
  const judged = new Map<string, UpgradeJudgement>();
  for (const after of outcome.modules) {
    const was = before.get(after.path);
    if (!was) continue;
    const findings = after.findings
      .filter((f) => !REMADE_BY_REBUILD.has(f.rule))
      .map((f) => ({ ...f, message: `${target.release}: ${f.message}` }));
    const { verdict, why } = verdictOf(
      after,
      after.findings.filter((f) => !REMADE_BY_REBUILD.has(f.rule)),
    );
    judged.set(after.path, {
      upgrade: {
        to: target.release,
        asked: target.asked,
        verdict,
        why,
        changes: changesOf(was.imports, after, target),
      },
      findings,
    });
  }
  return judged;
}

/** A module no target could be found for: nothing is judged, and the report says why. */
export function notJudgedUpgrade(asked: string, why: string): ModuleUpgrade {
  return { to: asked, asked, verdict: "not-judged", why: [why], changes: [] };
}
