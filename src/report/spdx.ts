import { createHash } from "node:crypto";
import type { AuditedModule, ScanResult } from "../core/results.js";
import { VERSION } from "../version.js";
import { kernelProperties, moduleDependencies, moduleProperties, moduleVersion } from "./sbom-facts.js";
import { licenseReading } from "./sbom-license.js";

/**
 * The scan as an SPDX 2.3 JSON document (the version most consumers ingest): one package per
 * module or blob and per kernel of the scan, DEPENDS_ON relationships from resolved imports, and
 * kmodaudit's verdicts in one annotation per module. Declared licenses are NOASSERTION with the
 * tags quoted in `licenseComments`: no MODULE_LICENSE string names one SPDX expression
 * (sbom-license.ts). SPDX requires creation and annotation dates; they are `timestamp` when given
 * (the CLI passes SOURCE_DATE_EPOCH), else the Unix epoch, so the same scan gives the same bytes.
 * The namespace is a digest of the rest of the document for the same reason.
 */
export interface SpdxOptions {
  timestamp?: Date;
}

const TOOL = `Tool: kmodaudit-${VERSION}`;
const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

function licenseComments(m: AuditedModule): string {
  if (m.facts.licenses.length === 0)
    return m.assumedLicense === null ? "no license= tag" : `no license= tag; assumed: ${m.assumedLicense}`;
  return m.facts.licenses.map((l) => `MODULE_LICENSE ${JSON.stringify(l)}: ${licenseReading(l)}`).join("; ");
}

export function toSpdx(result: ScanResult, options: SpdxOptions = {}) {
  const when = iso(options.timestamp ?? new Date(0));
  const kernels = kernelProperties(result);
  const kernelId = new Map(kernels.map((k, i) => [k.release, `SPDXRef-Kernel-${i + 1}`]));
  const moduleId = new Map(result.modules.map((m, i) => [m.path, `SPDXRef-Module-${i + 1}`]));
  const packages = [
    ...kernels.map((k) => ({
      SPDXID: kernelId.get(k.release)!,
      name: "linux",
      ...(k.release === null ? {} : { versionInfo: k.release }),
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "OPERATING_SYSTEM",
      comment: `The kernel the modules below were judged against; its export tables: ${k.tables.join("; ") || "none"}`,
    })),
    ...result.modules.map((m) => {
      const version = moduleVersion(m);
      return {
        SPDXID: moduleId.get(m.path)!,
        name: m.name,
        ...(version === undefined ? {} : { versionInfo: version }),
        downloadLocation: "NOASSERTION",
        filesAnalyzed: false,
        ...(m.facts.sha256 ? { checksums: [{ algorithm: "SHA256", checksumValue: m.facts.sha256 }] } : {}),
        licenseConcluded: "NOASSERTION",
        licenseDeclared: "NOASSERTION",
        licenseComments: licenseComments(m),
        copyrightText: "NOASSERTION",
        sourceInfo: `found at ${m.path}`,
        primaryPackagePurpose: "LIBRARY",
        annotations: [
          {
            annotationDate: when,
            annotationType: "OTHER",
            annotator: TOOL,
            comment: moduleProperties(m)
              .map(([name, value]) => `${name}=${value}`)
              .join("\n"),
          },
        ],
      };
    }),
  ];
  const relationships = [
    ...packages.map((p) => ({
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES",
      relatedSpdxElement: p.SPDXID,
    })),
    ...result.modules.flatMap((m) => {
      const from = moduleId.get(m.path)!;
      const kernel = kernelId.get(m.kernel);
      return [...(kernel ? [kernel] : []), ...moduleDependencies(m).map((p) => moduleId.get(p)!)].map((to) => ({
        spdxElementId: from,
        relationshipType: "DEPENDS_ON",
        relatedSpdxElement: to,
      }));
    }),
  ];
  const document = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `kmodaudit report on ${result.modules.length} modules and blobs`,
    documentNamespace: "",
    creationInfo: {
      created: when,
      creators: [TOOL],
      comment: [
        `${result.files} files looked at`,
        ...result.kernel.sources.map((t) => `export table: ${t.kind} ${t.file} (${t.origin})`),
        ...result.errors.map((e) => `error: ${e.path}: ${e.message}`),
        ...result.notJudged.map((n) => `not judged (${n.code}): ${n.message}`),
      ].join("\n"),
    },
    packages,
    relationships,
  };
  // Unique to what the document says, yet the same for the same scan.
  const digest = createHash("sha256").update(JSON.stringify(document)).digest("hex");
  return { ...document, documentNamespace: `https://spdx.org/spdxdocs/kmodaudit-${digest}` };
}

export function renderSpdx(result: ScanResult, options: SpdxOptions = {}): string {
  return `${JSON.stringify(toSpdx(result, options), null, 2)}\n`;
}
