import type { AuditedModule, ScanResult } from "../core/results.js";
import type { Finding } from "../core/findings.js";
import { normalizeModuleName } from "../resolve/identity.js";
import type { RuleId } from "../core/findings.js";
import type { Baseline } from "./baseline-file.js";
import type { StaleBaselineEntry } from "../core/results.js";
import { compareCodeUnits } from "../core/order.js";

/** The triples of a baseline, by (rule, module); `bare` holds the symbol-less acceptances. */
interface Accepted {
  symbols: Set<string>;
  bare: boolean;
}

/** What a baseline entry and a finding are matched by: the rule and the module's normalised name. */
export const baselineKey = (rule: RuleId, module: string): string => `${rule}\0${normalizeModuleName(module)}`;

/** The identity a baseline knows a module by: its normalised name, whatever its path. */
export const baselineModuleName = (m: Pick<AuditedModule, "name">): string => normalizeModuleName(m.name);

function acceptedByKey(baseline: Baseline): Map<string, Accepted> {
  const out = new Map<string, Accepted>();
  for (const e of baseline.entries) {
    const k = baselineKey(e.rule, e.module);
    const a = out.get(k) ?? { symbols: new Set<string>(), bare: false };
    if (e.symbols.length === 0) a.bare = true;
    for (const s of e.symbols) a.symbols.add(s);
    out.set(k, a);
  }
  return out;
}

/** The finding with only its new symbols; chains that speak only of accepted symbols go too. */
function narrowed(f: Finding, fresh: string[], accepted: string[]): Finding {
  const keep = new Set(fresh);
  const chains = f.chains?.filter((c) => c.some((x) => keep.has(x)));
  const usable = chains && chains.length > 0 ? chains : undefined;
  return {
    ...f,
    message:
      `${f.message} — not in the baseline: ${fresh.join(", ")} (${accepted.length} other ` +
      `symbol${accepted.length === 1 ? " is" : "s are"} baselined)`,
    symbols: fresh,
    suppressedSymbols: accepted,
    ...(usable ? { chain: usable[0]!, chains: usable } : {}),
  };
}

/**
 * Suppresses exactly the baselined (rule, module, symbol) triples. A finding whose every symbol is
 * accepted disappears; one that gained symbols stays with only the new ones; entries (or symbols
 * of entries) that match no finding are listed as stale. Pure: returns a new result.
 */
export function applyBaseline(result: ScanResult, baseline: Baseline, file: string): ScanResult {
  const accepted = acceptedByKey(baseline);
  const matched = new Set<string>();
  let suppressed = 0;
  let narrowedCount = 0;
  const modules = result.modules.map((m) => {
    const name = baselineModuleName(m);
    const findings: Finding[] = [];
    for (const f of m.findings) {
      const k = baselineKey(f.rule, name);
      const a = accepted.get(k);
      if (!a) {
        findings.push(f);
      } else if (f.symbols.length === 0) {
        if (a.bare) {
          matched.add(`${k}\0`);
          suppressed++;
        } else findings.push(f);
      } else {
        const fresh = f.symbols.filter((s) => !a.symbols.has(s));
        const known = f.symbols.filter((s) => a.symbols.has(s));
        for (const s of known) matched.add(`${k}\0${s}`);
        if (fresh.length === 0) suppressed++;
        else if (known.length === 0) findings.push(f);
        else {
          narrowedCount++;
          findings.push(narrowed(f, fresh, known));
        }
      }
    }
    return { ...m, findings };
  });
  const stale: StaleBaselineEntry[] = [];
  for (const e of baseline.entries) {
    const k = baselineKey(e.rule, e.module);
    const gone = e.symbols.filter((s) => !matched.has(`${k}\0${s}`));
    if (e.symbols.length === 0 ? !matched.has(`${k}\0`) : gone.length > 0)
      stale.push({ module: e.module, rule: e.rule, symbols: gone, justification: e.justification });
  }
  stale.sort(
    (a, b) =>
      compareCodeUnits(a.module, b.module) ||
      compareCodeUnits(a.rule, b.rule) ||
      compareCodeUnits(a.symbols.join("\n"), b.symbols.join("\n")),
  );
  return { ...result, modules, baseline: { file, suppressed, narrowed: narrowedCount, stale } };
}
