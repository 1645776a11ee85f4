/** The kernel's list (include/linux/license.h, license_is_gpl_compatible): exact strcmp, nothing else. */
export const GPL_COMPATIBLE_LICENSES: readonly string[] = ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

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
const VERDICTS = [false, true].map((loader) => [false, true].map((modpost): LicenseVerdicts => Object.freeze({ loader, modpost })));
const verdicts = (loader: boolean, modpost: boolean): LicenseVerdicts => VERDICTS[+loader]![+modpost]!;

export function licenseVerdicts(licenses: readonly string[]): LicenseVerdicts {
  return verdicts(licenses.length > 0 && isGplCompatible(licenses[0]!), licenses.length > 0 && licenses.every(isGplCompatible));
}

/**
 * VMkernel modules (VMware ESX): only "GPLv2" is GPL; "VMware", "BSD", "ThirdParty:<text>" and
 * anything else are not. There is a single verdict: the binding rule is the module's.
 */
export function vmkLicenseVerdicts(licenses: readonly string[]): LicenseVerdicts {
  const gpl = licenses.length > 0 && licenses.every((l) => l === "GPLv2");
  return verdicts(gpl, gpl);
}
