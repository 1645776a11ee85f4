import { errorMessage } from "../core/errors.js";
import { PolicyError } from "./errors.js";

/** Strict readers for hand-written JSON: every complaint names the file and the key to fix. */
export interface Where {
  file: string;
  key: string;
}

export const at = (w: Where, key: string | number): Where => ({
  file: w.file,
  key: typeof key === "number" ? `${w.key}[${key}]` : w.key ? `${w.key}.${key}` : key,
});

export function fail(w: Where, message: string): never {
  throw new PolicyError(w.file, w.key, message);
}

export function parseJsonText(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PolicyError(file, "", `is not valid JSON (${errorMessage(e)}): fix the syntax of this ${what}`);
  }
}

const typeName = (v: unknown) =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "an array"
      : typeof v === "object"
        ? "an object"
        : `${typeof v} ${JSON.stringify(v)}`;

export function object(v: unknown, w: Where): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(w, `must be a JSON object, not ${typeName(v)}`);
  return v as Record<string, unknown>;
}

export function string(v: unknown, w: Where): string {
  if (typeof v !== "string") fail(w, `must be a string, not ${typeName(v)}`);
  return v;
}

export function nonEmptyString(v: unknown, w: Where, why: string): string {
  const s = string(v, w);
  if (s.trim() === "") fail(w, `must not be empty: ${why}`);
  return s;
}

export function stringArray(v: unknown, w: Where, example: string): string[] {
  if (!Array.isArray(v)) fail(w, `must be an array of strings, e.g. ${example}, not ${typeName(v)}`);
  return v.map((x, i) => string(x, at(w, i)));
}

export function oneOf<T extends string>(v: unknown, w: Where, allowed: readonly T[]): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    fail(
      w,
      `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, not ` +
        `${typeName(v)}${didYouMean(String(v), allowed)}`,
    );
  }
  return v as T;
}

/** Rejects keys the format does not define: a typo would otherwise be silently ignored. */
export function onlyKeys(o: Record<string, unknown>, w: Where, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      fail(at(w, k), `is not a known key${didYouMean(k, allowed)}; allowed here: ${allowed.join(", ")}`);
  }
}

/** Suggests the allowed name a typo most likely meant: same letters ignoring case and punctuation, or one edit away. */
export function didYouMean(given: string, allowed: readonly string[]): string {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const hit =
    allowed.find((a) => squash(a) === squash(given)) ??
    allowed.find((a) => editDistance(a, given) <= 2) ??
    (given.length >= 4 ? allowed.find((a) => a.startsWith(given) || given.startsWith(a)) : undefined);
  return hit === undefined ? "" : ` (did you mean "${hit}"?)`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
