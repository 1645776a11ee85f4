import { readFileSync } from "node:fs";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import { REPORT_SCHEMA_FILE } from "../../src/report/schema-file.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The schema as the package ships it. */
export const REPORT_SCHEMA = JSON.parse(readFileSync(REPORT_SCHEMA_FILE, "utf8")) as { [key: string]: Json };

/**
 * The shipped schema with every object that names its properties closed to others. The shipped one
 * leaves the contract's objects open (design.md §3: "more may be added"), so a consumer's copy keeps
 * accepting reports of later versions; the suite holds reports to this one, so a field added to a
 * report without being added to the schema fails the tests that produce it.
 */
export function closedSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(closedSchema);
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) out[key] = closedSchema(value);
  // A properties map's "type" entry is a schema, never the string "object": only schemas match.
  if (out.type === "object" && out.properties !== undefined && !("additionalProperties" in out))
    out.additionalProperties = false;
  return out;
}

/** Strict mode, as the test of the schema itself asks; union types (`["string", "null"]`) are standard JSON Schema. */
export function compileReportSchema(schema: Json): ValidateFunction {
  return new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(schema as object);
}

let closed: ValidateFunction | undefined;

/** Ajv's errors for a report held to the closed schema, one line each; empty when it is valid. */
export function reportSchemaErrors(report: unknown, validate?: ValidateFunction): string[] {
  const check = validate ?? (closed ??= compileReportSchema(closedSchema(REPORT_SCHEMA)));
  if (check(report)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Throws, with Ajv's errors, unless the report is valid against the closed schema. */
export function assertReportMatchesSchema(report: unknown, what: string): void {
  const errors = reportSchemaErrors(report);
  if (errors.length === 0) return;
  const shown = errors.slice(0, 20).join("\n  ");
  const more = errors.length > 20 ? `\n  … and ${errors.length - 20} more` : "";
  throw new Error(`the JSON report of ${what} does not match schema/kmodaudit-report.schema.json:\n  ${shown}${more}`);
}
