import type { AuditedModule, Finding } from "../model.js";
import { blobUsesGplOnly } from "./blob-uses-gpl-only.js";
import { gplOnlySymbolUse } from "./gpl-only-symbol-use.js";
import { licenseTagsDisagree } from "./license-tags-disagree.js";
import { RULES } from "./meta.js";
import { missingLicense } from "./missing-license.js";
import { suspiciousLicenseString } from "./suspicious-license-string.js";
import type { Rule, RuleContext } from "./types.js";
import { unresolvedSymbol } from "./unresolved-symbol.js";

export const ALL_RULES: readonly Rule[] = [gplOnlySymbolUse, missingLicense, licenseTagsDisagree, suspiciousLicenseString, unresolvedSymbol, blobUsesGplOnly];

export function runRules(m: Omit<AuditedModule, "findings">, ctx: RuleContext, rules: readonly Rule[] = ALL_RULES): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    for (const d of rule.check(m, ctx)) {
      out.push({ rule: rule.id, severity: RULES[rule.id].severity, message: d.message, symbols: d.symbols, chain: d.chain ?? [] });
    }
  }
  return out;
}
