import type { Finding } from "../core/findings.js";
import { blobUsesGplOnly } from "./blob-uses-gpl-only.js";
import { dependsMismatch } from "./depends-mismatch.js";
import { dynamicSymbolLookup } from "./dynamic-symbol-lookup.js";
import { gplOnlySymbolUse } from "./gpl-only-symbol-use.js";
import { gplShimReexport } from "./gpl-shim-reexport.js";
import { licenseTagsDisagree } from "./license-tags-disagree.js";
import { RULES } from "./meta.js";
import { missingLicense } from "./missing-license.js";
import { missingNamespaceImport } from "./missing-namespace-import.js";
import { inheritsProprietaryTaint, proprietaryTaintInherited } from "./proprietary-taint.js";
import { suspiciousLicenseString } from "./suspicious-license-string.js";
import { symbolVersionMismatch } from "./symbol-version-mismatch.js";
import type { ModuleUnderAudit, Rule, RuleContext } from "./types.js";
import { unresolvedSymbol } from "./unresolved-symbol.js";
import { vermagicMismatch } from "./vermagic-mismatch.js";
import { vmkBindsGplModule } from "./vmk-binds-gpl-module.js";

export const ALL_RULES: readonly Rule[] = [
  gplOnlySymbolUse,
  missingLicense,
  licenseTagsDisagree,
  suspiciousLicenseString,
  unresolvedSymbol,
  symbolVersionMismatch,
  missingNamespaceImport,
  vermagicMismatch,
  dependsMismatch,
  proprietaryTaintInherited,
  inheritsProprietaryTaint,
  gplShimReexport,
  dynamicSymbolLookup,
  blobUsesGplOnly,
  vmkBindsGplModule,
];

export function runRules(m: ModuleUnderAudit, ctx: RuleContext, rules: readonly Rule[] = ALL_RULES): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    if (!(rule.dialects ?? ["linux"]).includes(m.facts.dialect)) continue;
    for (const d of rule.check(m, ctx)) {
      out.push({
        rule: rule.id,
        severity: RULES[rule.id].severity,
        message: d.message,
        symbols: d.symbols,
        chain: d.chain ?? [],
        ...(d.chains ? { chains: d.chains } : {}),
      });
    }
  }
  return out;
}
