import type { AuditedModule, ScanResult } from "../core/results.js";
import { compareCodeUnits } from "../core/order.js";
import { licenseReading } from "./sbom-license.js";

/**
 * What both SBOM formats say of a scan, as plain name/value pairs: each format writes them in the
 * form it provides (CycloneDX properties, SPDX annotations and comments). Names are kmodaudit's,
 * stable like the JSON report's fields.
 */
export type SbomProperty = [name: string, value: string];

/** The version a module declares: `version=`, else `srcversion=` (kbuild's hash of its sources). */
export function moduleVersion(m: AuditedModule): string | undefined {
  const tag = (key: string) => m.facts.modinfo.find(([k]) => k === key)?.[1];
  return tag("version") ?? tag("srcversion");
}

const verdict = (v: boolean | null) => (v === null ? "unknown" : String(v));

/** A module's licenses, as declared and as the kernel's license rules read them. */
export function licenseProperties(m: AuditedModule): SbomProperty[] {
  const out: SbomProperty[] = [];
  for (const l of m.facts.licenses) {
    out.push(["kmodaudit:license", l]);
    out.push(["kmodaudit:license:meaning", `${JSON.stringify(l)}: ${licenseReading(l)}`]);
  }
  if (m.assumedLicense !== null) out.push(["kmodaudit:license:assumed", m.assumedLicense]);
  return out;
}

/** Every verdict kmodaudit reached on a module. */
export function moduleProperties(m: AuditedModule): SbomProperty[] {
  const gplOnly = m.imports
    .filter((i) => i.provider?.gplOnly)
    .map((i) => `${i.symbol} (${i.provider!.name}${i.weak ? ", weak" : ""})`)
    .sort(compareCodeUnits);
  return [
    ["kmodaudit:path", m.path],
    ["kmodaudit:kind", m.kind],
    ["kmodaudit:kernel", m.kernel ?? "unknown"],
    ...(m.facts.vermagic ? [["kmodaudit:vermagic", m.facts.vermagic] as SbomProperty] : []),
    ...licenseProperties(m),
    ["kmodaudit:gpl-compatible:loader", verdict(m.gplCompatible.loader)],
    ["kmodaudit:gpl-compatible:modpost", verdict(m.gplCompatible.modpost)],
    ["kmodaudit:gpl-only-imports", gplOnly.length ? gplOnly.join(", ") : "none"],
    ...m.findings.map((f): SbomProperty => ["kmodaudit:finding", `${f.severity} ${f.rule}: ${f.message}`]),
  ];
}

/** The scanned modules each module imports from (resolved imports), by path, sorted. */
export function moduleDependencies(m: AuditedModule): string[] {
  const paths = new Set<string>();
  for (const i of m.imports)
    if (i.provider?.from === "scan" && i.provider.path && i.provider.path !== m.path) paths.add(i.provider.path);
  return [...paths].sort(compareCodeUnits);
}

/** Each kernel of the scan and the tables its modules were judged against. */
export function kernelProperties(result: ScanResult): { release: string | null; tables: string[] }[] {
  return result.kernels.map((k) => ({
    release: k.release,
    tables: k.sources.map((s) => `${s.kind} ${s.file} (${s.origin})`),
  }));
}
