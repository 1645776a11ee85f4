import { createRequire } from "node:module";
import type * as CycloneDx from "@cyclonedx/cyclonedx-library";
import type { AuditedModule, ScanResult } from "../core/results.js";
import { VERSION } from "../version.js";
import {
  kernelProperties,
  moduleDependencies,
  moduleProperties,
  moduleVersion,
  type SbomProperty,
} from "./sbom-facts.js";

/**
 * The scan as a CycloneDX 1.6 JSON SBOM, built with the format's own library: one `device-driver`
 * component per module (`library` per vendor blob), one `operating-system` component per kernel of
 * the scan, dependencies from resolved imports. 1.6 rather than the library's newest, 1.7: it is
 * what SBOM consumers ingest today. No serial number, and no timestamp unless given, so the same scan
 * gives the same bytes.
 */

/**
 * The library, loaded when a CycloneDX report is asked for: it is a third of the CLI's code and
 * every other command would pay for parsing it.
 */
let library: typeof CycloneDx | undefined;
const cdx = (): typeof CycloneDx => (library ??= createRequire(import.meta.url)("@cyclonedx/cyclonedx-library"));

const kernelRef = (release: string | null) => `kernel:${release ?? "unknown"}`;

function properties(list: readonly SbomProperty[]): CycloneDx.Models.PropertyRepository {
  const { Models } = cdx();
  return new Models.PropertyRepository(list.map(([name, value]) => new Models.Property(name, value)));
}

function moduleComponent(m: AuditedModule): CycloneDx.Models.Component {
  const { Enums, Models } = cdx();
  const version = moduleVersion(m);
  const c = new Models.Component(
    m.kind === "blob" ? Enums.ComponentType.Library : Enums.ComponentType.DeviceDriver,
    m.name,
    {
      bomRef: m.path,
      ...(version === undefined ? {} : { version }),
      properties: properties(moduleProperties(m)),
    },
  );
  if (m.facts.sha256) c.hashes.set(Enums.HashAlgorithm["SHA-256"], m.facts.sha256);
  for (const l of m.facts.licenses)
    c.licenses.add(new Models.NamedLicense(l, { acknowledgement: Enums.LicenseAcknowledgement.Declared }));
  return c;
}

export interface CycloneDxOptions {
  /** metadata.timestamp; none unless given (the CLI passes SOURCE_DATE_EPOCH). */
  timestamp?: Date;
}

export function toCycloneDx(result: ScanResult, options: CycloneDxOptions = {}): CycloneDx.Models.Bom {
  const { Enums, Models } = cdx();
  const kernels = new Map<string | null, CycloneDx.Models.Component>();
  for (const { release, tables } of kernelProperties(result))
    kernels.set(
      release,
      new Models.Component(Enums.ComponentType.OperatingSystem, "linux", {
        bomRef: kernelRef(release),
        ...(release === null ? {} : { version: release }),
        properties: properties(tables.map((t): SbomProperty => ["kmodaudit:table", t])),
      }),
    );
  const modules = new Map(result.modules.map((m) => [m.path, moduleComponent(m)]));
  for (const m of result.modules) {
    const c = modules.get(m.path)!;
    const kernel = kernels.get(m.kernel);
    if (kernel) c.dependencies.add(kernel.bomRef);
    for (const p of moduleDependencies(m)) c.dependencies.add(modules.get(p)!.bomRef);
  }
  const tool = new Models.Component(Enums.ComponentType.Application, "kmodaudit", { version: VERSION });
  return new Models.Bom({
    metadata: new Models.Metadata({
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
      properties: properties([
        ["kmodaudit:files", String(result.files)],
        ...result.kernel.sources.map((t): SbomProperty => ["kmodaudit:table", `${t.kind} ${t.file} (${t.origin})`]),
        ...result.errors.map((e): SbomProperty => ["kmodaudit:error", `${e.path}: ${e.message}`]),
        ...result.notJudged.map((n): SbomProperty => ["kmodaudit:not-judged", `${n.code}: ${n.message}`]),
      ]),
    }),
    components: new Models.ComponentRepository([...kernels.values(), ...modules.values()]),
  });
}

export function renderCycloneDx(result: ScanResult, options: CycloneDxOptions = {}): string {
  const { Serialize, Spec } = cdx();
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(toCycloneDx(result, options), { sortLists: true, space: 2 })}\n`;
}
