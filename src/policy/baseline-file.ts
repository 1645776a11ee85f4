import { normalizeModuleName } from "../resolve/identity.js";
import { RULES } from "../rules/meta.js";
import type { RuleId } from "../core/findings.js";
import {
  at,
  didYouMean,
  fail,
  nonEmptyString,
  object,
  onlyKeys,
  parseJsonText,
  stringArray,
  type Where,
} from "./validate.js";
import { compareCodeUnits, sortedUnique } from "../core/order.js";

/**
 * The baseline file: findings a team has accepted, each with the reason, reviewed in pull requests.
 * Semantically a set of (rule, module, symbol) triples; an entry groups the symbols of one
 * (rule, module) that share a justification. An entry without symbols accepts the symbol-less
 * finding of that rule on that module (missing-license, vermagic-mismatch…). Modules are named by
 * their normalised name, not their path, so the baseline survives moving the tree.
 */
export const BASELINE_SCHEMA_VERSION = 1;
export const BASELINE_KIND = "kmodaudit-baseline";

export interface BaselineEntry {
  /**
   * The module's name: `baseline write` writes the normalised name (name=, or the file name without
   * extensions, "-" → "_"); any spelling written by hand is compared after the same normalisation.
   */
  module: string;
  rule: RuleId;
  /** Sorted; empty for a finding that concerns no symbol. */
  symbols: string[];
  /** Why the finding is accepted. Required: an unexplained suppression is what baselines exist to prevent. */
  justification: string;
}

export interface Baseline {
  entries: BaselineEntry[];
}

function entryOrder(a: BaselineEntry, b: BaselineEntry): number {
  return (
    compareCodeUnits(a.module, b.module) ||
    compareCodeUnits(a.rule, b.rule) ||
    compareCodeUnits(a.symbols.join("\n"), b.symbols.join("\n")) ||
    compareCodeUnits(a.justification, b.justification)
  );
}

/** Sorted entries, sorted symbols, fixed key order: regenerating an unchanged baseline changes no byte. */
export function normalizeBaseline(b: Baseline): Baseline {
  return {
    entries: b.entries
      .map((e) => ({
        module: normalizeModuleName(e.module),
        rule: e.rule,
        symbols: sortedUnique(e.symbols),
        justification: e.justification,
      }))
      .sort(entryOrder),
  };
}

/** One symbol per line, so a diff shows exactly which symbols were accepted or dropped. */
export function serializeBaseline(b: Baseline): string {
  const { entries } = normalizeBaseline(b);
  return JSON.stringify({ schemaVersion: BASELINE_SCHEMA_VERSION, kind: BASELINE_KIND, entries }, null, 2) + "\n";
}

const RULE_IDS = Object.keys(RULES) as RuleId[];

function parseEntry(v: unknown, w: Where): BaselineEntry {
  const o = object(v, w);
  onlyKeys(o, w, ["module", "rule", "symbols", "justification"]);
  if (!("rule" in o)) fail(w, `has no "rule": give the rule id of the accepted finding, e.g. "gpl-only-symbol-use"`);
  if (!("module" in o)) fail(w, `has no "module": give the module's name (name= or its file name without extensions)`);
  if (!("justification" in o)) {
    fail(
      w,
      `has no "justification": say why this finding is accepted (e.g. "vendor blob, license agreed with ` +
        `legal in TICKET-123"), or remove the entry`,
    );
  }
  if (typeof o.rule !== "string" || !(RULE_IDS as string[]).includes(o.rule)) {
    fail(at(w, "rule"), `is not a rule id${didYouMean(String(o.rule), RULE_IDS)}; known rules: ${RULE_IDS.join(", ")}`);
  }
  return {
    // Kept as written, so messages about the entry quote what is in the file; compared normalised.
    module: nonEmptyString(o.module, at(w, "module"), "name the module the finding is about").trim(),
    rule: o.rule as RuleId,
    // Omitted symbols mean a symbol-less finding, the natural way to write one by hand.
    symbols: "symbols" in o ? sortedUnique(stringArray(o.symbols, at(w, "symbols"), `["ktime_get"]`)) : [],
    justification: nonEmptyString(
      o.justification,
      at(w, "justification"),
      "say why this finding is accepted, or remove the entry",
    ),
  };
}

/** Reads a baseline as written by `baseline write` or edited by hand; anything unclear is an error naming the key. */
export function parseBaseline(text: string, file: string): Baseline {
  const top: Where = { file, key: "" };
  const o = object(parseJsonText(text, file, "baseline"), top);
  if ("modules" in o && "summary" in o)
    fail(
      top,
      `is a kmodaudit report, not a baseline: create one with "kmodaudit baseline write ${file} PATH… ` +
        `--justification TEXT"`,
    );
  onlyKeys(o, top, ["schemaVersion", "kind", "entries"]);
  if (o.kind !== BASELINE_KIND)
    fail(at(top, "kind"), `must be "${BASELINE_KIND}": this file is not a kmodaudit baseline`);
  if (o.schemaVersion !== BASELINE_SCHEMA_VERSION) {
    fail(
      at(top, "schemaVersion"),
      `must be ${BASELINE_SCHEMA_VERSION} (this kmodaudit reads baseline schema ${BASELINE_SCHEMA_VERSION}), ` +
        `not ${JSON.stringify(o.schemaVersion)}`,
    );
  }
  if (!Array.isArray(o.entries))
    fail(at(top, "entries"), `must be an array of entries ({"module", "rule", "symbols", "justification"})`);
  return { entries: o.entries.map((e, i) => parseEntry(e, at(at(top, "entries"), i))) };
}
