/**
 * What each MODULE_LICENSE string means, as the kernel's Documentation/process/license-rules.rst
 * defines it, and the SPDX identifiers it may stand for. Not one of them names a single SPDX
 * expression: "GPL" does "not express any distinction between GPL-2.0-only or GPL-2.0-or-later",
 * and each dual string leaves the GPL variant (and for BSD and MPL, their variant) to the source
 * files. So an SBOM gets the string as declared and these candidates, never a chosen expression.
 */
export interface LicenseMeaning {
  meaning: string;
  /** SPDX identifiers of the licenses it may mean, each a possibility; empty when SPDX has none for it. */
  candidates: string[];
  /** Why no one SPDX expression is given. */
  ambiguity: string;
}

const GPL2 = ["GPL-2.0-only", "GPL-2.0-or-later"];
const GPL2_VARIANT = "which GPL v2 variant (only or or-later) is said only by the source files' SPDX tags";

const MEANINGS: Record<string, LicenseMeaning> = {
  GPL: { meaning: "GPL version 2", candidates: GPL2, ambiguity: GPL2_VARIANT },
  "GPL v2": { meaning: 'GPL version 2 (same as "GPL")', candidates: GPL2, ambiguity: GPL2_VARIANT },
  "GPL and additional rights": {
    meaning: "dual licensed under a GPL v2 variant and the MIT license (historical form)",
    candidates: [...GPL2, "MIT"],
    ambiguity: GPL2_VARIANT,
  },
  "Dual MIT/GPL": {
    meaning: "dual licensed under a GPL v2 variant or the MIT license",
    candidates: [...GPL2, "MIT"],
    ambiguity: GPL2_VARIANT,
  },
  "Dual BSD/GPL": {
    meaning: "dual licensed under a GPL v2 variant or a BSD license",
    candidates: [...GPL2, "BSD-2-Clause", "BSD-3-Clause"],
    ambiguity: `${GPL2_VARIANT}, and which BSD license likewise`,
  },
  "Dual MPL/GPL": {
    meaning: "dual licensed under a GPL v2 variant or the Mozilla Public License",
    candidates: [...GPL2, "MPL-1.1", "MPL-2.0"],
    ambiguity: `${GPL2_VARIANT}, and which MPL version likewise`,
  },
  Proprietary: {
    meaning: "not compatible with GPLv2 (a proprietary third-party module)",
    candidates: [],
    ambiguity: "the string names no license, only that it is not GPLv2-compatible",
  },
};

/** The kernel's meaning of a license string, matched byte for byte as the loader does; null for others. */
export function licenseMeaning(license: string): LicenseMeaning | null {
  return Object.hasOwn(MEANINGS, license) ? MEANINGS[license]! : null;
}

/** What an SBOM says of a license tag: its meaning and why no SPDX expression is given, or that the kernel defines no such string. */
export function licenseReading(license: string): string {
  const m = licenseMeaning(license);
  if (!m) return "not a license string the kernel defines (Documentation/process/license-rules.rst)";
  const candidates = m.candidates.length ? ` (SPDX candidates: ${m.candidates.join(", ")})` : "";
  return `${m.meaning}; no single SPDX expression: ${m.ambiguity}${candidates}`;
}
