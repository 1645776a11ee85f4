import { readFileSync } from "node:fs";
import type { RuleId } from "../core/findings.js";
import { PACKAGE_ROOT } from "../package-root.js";

/**
 * The project's home, read from package.json's "homepage" so that the address lives in one place:
 * SARIF's informationUri and every rule's helpUri are derived from it.
 */
export const HOMEPAGE: string = (
  JSON.parse(readFileSync(new URL("package.json", PACKAGE_ROOT), "utf8")) as { homepage: string }
).homepage;

/** The rules' documentation in the repository: one section per rule id, the id being its anchor. */
export const RULES_DOC = `${HOMEPAGE}/blob/main/docs/rules.md`;

export function ruleHelpUri(rule: RuleId): string {
  return `${RULES_DOC}#${rule}`;
}
