import type { AuditedModule } from "../core/results.js";
import { type LicenseStanding, licenseStanding } from "../rules/license.js";

/**
 * What a module's license cell says, in words, for every report that has one; each reporter only
 * formats it (the text table escapes and wraps it, the HTML report marks it up). Not escaped.
 */
export interface LicenseCell {
  standing: LicenseStanding;
  /** The license tags, the assumed one marked, "(none)" when there is none; empty when unknown. */
  tags: string[];
  /** "GPL", "non-GPL", "loader GPL, modpost non-GPL" when the verdicts differ, or "unknown (blob)". */
  verdict: string;
}

/**
 * A tag as its bytes are: quoted when it starts or ends with white space (or is empty), which a
 * table cell would otherwise drop — `"GPL "` is not `GPL` to the loader.
 */
export const shownTag = (tag: string): string => (tag === "" || /^\s|\s$/.test(tag) ? `"${tag}"` : tag);

const word = (gpl: boolean | null) => (gpl ? "GPL" : "non-GPL");

export function licenseCell(m: AuditedModule): LicenseCell {
  const standing = licenseStanding(m);
  if (standing === "unknown") return { standing, tags: [], verdict: "unknown (blob)" };
  const tags =
    m.assumedLicense !== null
      ? [`${shownTag(m.assumedLicense)} (assumed)`]
      : m.facts.licenses.length
        ? m.facts.licenses.map(shownTag)
        : ["(none)"];
  const { loader, modpost } = m.gplCompatible;
  const verdict = loader === modpost ? word(loader) : `loader ${word(loader)}, modpost ${word(modpost)}`;
  return { standing, tags, verdict };
}
