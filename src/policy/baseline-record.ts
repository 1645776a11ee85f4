import type { ScanResult } from "../core/results.js";
import type { RuleId } from "../core/findings.js";
import { normalizeBaseline, type Baseline, type BaselineEntry } from "./baseline-file.js";
import { baselineKey, baselineModuleName } from "./baseline.js";
import { PolicyError } from "./errors.js";

export interface RecordOptions {
  /** The reason recorded with every entry that is new; required when there is any. */
  justification?: string;
  /** The baseline being rewritten: its entries keep their (hand-edited) justifications. */
  previous?: Baseline;
  /** Where the baseline goes, for messages. */
  file?: string;
}

export interface RecordOutcome {
  baseline: Baseline;
  /** Entries made for findings no previous entry accepted. */
  added: BaselineEntry[];
  /** Previous entries still matching a finding (possibly with fewer symbols). */
  kept: number;
  /** Previous entries, or symbols of them, that no finding has any more, and so were dropped. */
  dropped: BaselineEntry[];
}

/** What the scan found, per (rule, module): its symbols, and whether a symbol-less finding is among them. */
interface Found {
  rule: RuleId;
  module: string;
  symbols: Set<string>;
  bare: boolean;
}

function foundByKey(result: ScanResult): Map<string, Found> {
  const out = new Map<string, Found>();
  for (const m of result.modules) {
    const module = baselineModuleName(m);
    for (const f of m.findings) {
      const k = baselineKey(f.rule, module);
      const x = out.get(k) ?? { rule: f.rule, module, symbols: new Set<string>(), bare: false };
      if (f.symbols.length === 0) x.bare = true;
      for (const s of f.symbols) x.symbols.add(s);
      out.set(k, x);
    }
  }
  return out;
}

/**
 * The baseline that accepts every current finding. Rewriting an existing baseline keeps each
 * entry's justification for what it still matches, so re-running `baseline write` after a review
 * never loses the reasons people wrote by hand; only findings no entry covers take the new
 * justification, and there must be one for them.
 */
export function recordBaseline(result: ScanResult, options: RecordOptions = {}): RecordOutcome {
  const found = foundByKey(result);
  const covered = new Set<string>();
  const entries: BaselineEntry[] = [];
  const dropped: BaselineEntry[] = [];
  let kept = 0;
  for (const e of options.previous?.entries ?? []) {
    const k = baselineKey(e.rule, e.module);
    const f = found.get(k);
    const still = e.symbols.filter((s) => f?.symbols.has(s));
    const gone = e.symbols.filter((s) => !f?.symbols.has(s));
    const bareStill = e.symbols.length === 0 && f?.bare === true;
    if (gone.length > 0 || (e.symbols.length === 0 && !bareStill)) dropped.push({ ...e, symbols: gone });
    if (still.length === 0 && !bareStill) continue;
    kept++;
    entries.push({ ...e, symbols: still });
    for (const s of still) covered.add(`${k}\0${s}`);
    if (bareStill) covered.add(`${k}\0`);
  }
  const added: BaselineEntry[] = [];
  for (const [k, f] of found) {
    const fresh = [...f.symbols].filter((s) => !covered.has(`${k}\0${s}`));
    if (fresh.length > 0) added.push({ module: f.module, rule: f.rule, symbols: fresh, justification: "" });
    if (f.bare && !covered.has(`${k}\0`))
      added.push({ module: f.module, rule: f.rule, symbols: [], justification: "" });
  }
  const justification = options.justification?.trim() ?? "";
  if (added.length > 0 && justification === "") {
    const list = normalizeBaseline({ entries: added })
      .entries.slice(0, 5)
      .map((e) => `${e.rule} on ${e.module}${e.symbols.length ? ` (${e.symbols.join(", ")})` : ""}`);
    throw new PolicyError(
      options.file ?? "",
      "",
      `no baseline written: ${added.length} finding${added.length === 1 ? " is" : "s are"} new and no ` +
        `justification was given (${list.join("; ")}${added.length > 5 ? "; …" : ""}). ` +
        `Pass --justification TEXT saying why they are accepted; it is recorded with each new entry, and you ` +
        `can then edit each entry's "justification" by hand.`,
    );
  }
  for (const a of added) a.justification = justification;
  const baseline = normalizeBaseline({ entries: [...entries, ...added] });
  return {
    baseline,
    added: normalizeBaseline({ entries: added }).entries,
    kept,
    dropped: normalizeBaseline({ entries: dropped }).entries,
  };
}
