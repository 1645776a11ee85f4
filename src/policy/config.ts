import { dirname, isAbsolute, join } from "node:path";
import { RULES } from "../rules/meta.js";
import type { RuleId, Severity } from "../core/findings.js";
import type { BlobLicenses } from "../audit/blob-licenses.js";
import { isSha256Key } from "../audit/blob-licenses.js";
import type { RuleSetting, SeverityOverrides } from "./severity.js";
import {
  at,
  didYouMean,
  fail,
  nonEmptyString,
  object,
  oneOf,
  onlyKeys,
  parseJsonText,
  stringArray,
  type Where,
} from "./validate.js";

/** Looked for in the current directory when no --config is given. */
export const CONFIG_FILE_NAME = "kmodaudit.config.json";

/**
 * A team's standing audit policy, so a CI job and a developer's shell run the same audit. Paths
 * are resolved against the config file's directory (the file lives with the tree it describes);
 * command-line flags override each setting.
 */
export interface KmodauditConfig {
  /** The file it was read from, as named. */
  file: string;
  /** `releases`: the release each table belongs to, by its path (as --table-release FILE=RELEASE). */
  tables: { symvers: string[]; vmlinux: string[]; systemMap: string[]; releases: Record<string, string> };
  failOn?: Severity | "none";
  /** Baseline file to apply to every scan. */
  baseline?: string;
  rules: SeverityOverrides;
  blobLicenses: BlobLicenses;
}

const TOP_KEYS = ["tables", "failOn", "baseline", "rules", "blobLicenses"] as const;
const TABLE_KEYS = ["symvers", "vmlinux", "systemMap", "releases"] as const;
const RULE_IDS = Object.keys(RULES) as RuleId[];
const SETTINGS: readonly RuleSetting[] = ["error", "warning", "info", "off"];
const FAIL_ON = ["error", "warning", "info", "none"] as const;

function tables(v: unknown, w: Where, resolve: (p: string) => string): KmodauditConfig["tables"] {
  const o = object(v, w);
  onlyKeys(o, w, TABLE_KEYS);
  const list = (k: Exclude<(typeof TABLE_KEYS)[number], "releases">, example: string) =>
    k in o ? stringArray(o[k], at(w, k), example).map(resolve) : [];
  return {
    symvers: list("symvers", `["build/Module.symvers"]`),
    vmlinux: list("vmlinux", `["build/vmlinux"]`),
    systemMap: list("systemMap", `["build/System.map"]`),
    releases: "releases" in o ? releases(o.releases, at(w, "releases"), resolve) : {},
  };
}

/** { "table path": "release" }: each path resolved as the tables' are, each release a non-empty string. */
function releases(v: unknown, w: Where, resolve: (p: string) => string): Record<string, string> {
  const o = object(v, w);
  const out: Record<string, string> = {};
  for (const [file, release] of Object.entries(o)) {
    if (file.trim() === "") fail(at(w, file), `is not a table: use the table's path, e.g. "build/Module.symvers"`);
    out[resolve(file)] = nonEmptyString(
      release,
      at(w, file),
      `give the kernel release it belongs to, e.g. "6.1.0-57-amd64"`,
    );
  }
  return out;
}

function rules(v: unknown, w: Where): SeverityOverrides {
  const o = object(v, w);
  const out: SeverityOverrides = {};
  for (const [id, setting] of Object.entries(o)) {
    if (!(RULE_IDS as string[]).includes(id))
      fail(at(w, id), `is not a rule id${didYouMean(id, RULE_IDS)}; known rules: ${RULE_IDS.join(", ")}`);
    out[id as RuleId] = oneOf(setting, at(w, id), SETTINGS);
  }
  return out;
}

function blobLicenses(v: unknown, w: Where): BlobLicenses {
  const o = object(v, w);
  // No prototype: a blob named "__proto__" (JSON.parse makes it an own key) is a key like any other,
  // not a write to Object.prototype that vanishes.
  const out: Record<string, string> = Object.create(null);
  for (const [key, license] of Object.entries(o)) {
    if (key.trim() === "") fail(at(w, key), `is not a blob: use its file name, its normalised name or its sha256`);
    const k = isSha256Key(key) ? key.toLowerCase() : key;
    if (Object.hasOwn(out, k)) fail(at(w, key), `is declared twice (sha256 keys ignore case): keep one`);
    out[k] = nonEmptyString(license, at(w, key), `give the license that applies to this blob, e.g. "NVIDIA"`);
  }
  return out;
}

/** Reads and strictly validates a config file's text: an unknown key or wrong type is an error naming it. */
export function parseConfig(text: string, file: string): KmodauditConfig {
  const top: Where = { file, key: "" };
  const o = object(parseJsonText(text, file, "config file"), top);
  onlyKeys(o, top, TOP_KEYS);
  const base = dirname(file);
  const resolve = (p: string) => (isAbsolute(p) ? p : join(base, p));
  return {
    file,
    tables:
      "tables" in o
        ? tables(o.tables, at(top, "tables"), resolve)
        : { symvers: [], vmlinux: [], systemMap: [], releases: {} },
    ...("failOn" in o ? { failOn: oneOf(o.failOn, at(top, "failOn"), FAIL_ON) } : {}),
    ...("baseline" in o
      ? {
          baseline: resolve(
            nonEmptyString(o.baseline, at(top, "baseline"), "give the baseline file's path, or remove the key"),
          ),
        }
      : {}),
    rules: "rules" in o ? rules(o.rules, at(top, "rules")) : {},
    blobLicenses: "blobLicenses" in o ? blobLicenses(o.blobLicenses, at(top, "blobLicenses")) : {},
  };
}
