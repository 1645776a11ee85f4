import type { AuditedModule } from "../core/results.js";

/** The kernel's list (include/linux/license.h, license_is_gpl_compatible): exact strcmp, nothing else. */
export const GPL_COMPATIBLE_LICENSES: readonly string[] = [
  "GPL",
  "GPL v2",
  "GPL and additional rights",
  "Dual BSD/GPL",
  "Dual MIT/GPL",
  "Dual MPL/GPL",
];

export function isGplCompatible(license: string): boolean {
  return GPL_COMPATIBLE_LICENSES.includes(license);
}

export interface LicenseVerdicts {
  /** Load time: only the first license tag counts; none means "unspecified", i.e. proprietary. */
  loader: boolean;
  /** Build time: every license tag must be compatible, and a missing tag is an error. */
  modpost: boolean;
}

/** One object per pair of verdicts, shared by every module that has it: there are four. */
const VERDICTS = [false, true].map((loader) =>
  [false, true].map((modpost): LicenseVerdicts => Object.freeze({ loader, modpost })),
);
const verdicts = (loader: boolean, modpost: boolean): LicenseVerdicts => VERDICTS[+loader]![+modpost]!;

export function licenseVerdicts(licenses: readonly string[]): LicenseVerdicts {
  return verdicts(
    licenses.length > 0 && isGplCompatible(licenses[0]!),
    licenses.length > 0 && licenses.every(isGplCompatible),
  );
}

/**
 * What the audit's two verdicts (AuditedModule.gplCompatible) add up to, the one place that says it:
 * "gpl" when both are GPL-compatible; "non-gpl" when either is not (a module whose later tags
 * modpost rejects is non-GPL, though it loads as GPL); "unknown" for a blob of unknown license,
 * whose verdicts are null: rules do not judge it non-GPL (blob-uses-gpl-only speaks about it).
 */
export type LicenseStanding = "gpl" | "non-gpl" | "unknown";

type JudgedLicense = Pick<AuditedModule, "gplCompatible">;

export function licenseStanding(m: JudgedLicense): LicenseStanding {
  const { loader, modpost } = m.gplCompatible;
  if (loader === false || modpost === false) return "non-gpl";
  return loader === true && modpost === true ? "gpl" : "unknown";
}

/** The license a module goes by, as the loader reads it: its first tag, or the one assumed for a blob. */
export function loaderLicense(m: Pick<AuditedModule, "assumedLicense" | "facts">): string | null {
  return m.assumedLicense ?? m.facts.licenses[0] ?? null;
}

/** Not GPL-compatible by either verdict: a module with such a license, or a blob with an assumed one. */
export const isNonGpl = (m: JudgedLicense): boolean => licenseStanding(m) === "non-gpl";

/**
 * VMkernel modules (VMware ESX): only "GPLv2" is GPL; "VMware", "BSD", "ThirdParty:<text>" and
 * anything else are not. There is a single verdict: the binding rule is the module's.
 */
export function vmkLicenseVerdicts(licenses: readonly string[]): LicenseVerdicts {
  const gpl = licenses.length > 0 && licenses.every((l) => l === "GPLv2");
  return verdicts(gpl, gpl);
}
