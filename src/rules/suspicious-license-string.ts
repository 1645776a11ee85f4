import { isGplCompatible } from "./license.js";
import type { FindingDraft, Rule } from "./types.js";

export const suspiciousLicenseString: Rule = {
  id: "suspicious-license-string",
  check(m) {
    if (m.kind !== "module") return [];
    const reasons: string[] = [];
    for (const s of m.facts.modinfoStray) {
      if (s.follows === "license") reasons.push(`text hidden after the NUL of a license tag: "${s.text}"`);
    }
    for (const l of m.facts.licenses) {
      if (/gpl/i.test(l) && !isGplCompatible(l))
        reasons.push(
          `"${l}" mentions GPL but is not one of the kernel's GPL-compatible strings, so it counts as proprietary`,
        );
    }
    const drafts: FindingDraft[] = reasons.length ? [{ message: reasons.join("; "), symbols: [] }] : [];
    return drafts;
  },
};
