import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { cycloneDxProblems, independentProblems, spdxProblems } from "../helpers/sbom-schemas.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));

interface Report {
  modules: { path: string; name: string; sha256: string; licenses: string[] }[];
}
interface CdxComponent {
  type: string;
  name: string;
  "bom-ref": string;
  hashes?: { alg: string; content: string }[];
  licenses?: { license: { name: string; acknowledgement: string } }[];
  properties?: { name: string; value: string }[];
}
interface Cdx {
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn?: string[] }[];
  metadata: { timestamp?: string };
  serialNumber?: string;
}
interface SpdxPackage {
  SPDXID: string;
  name: string;
  checksums?: { algorithm: string; checksumValue: string }[];
  sourceInfo?: string;
  licenseDeclared: string;
  licenseComments?: string;
}
interface Spdx {
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
  creationInfo: { created: string };
}

const sbom = (format: string, env: NodeJS.ProcessEnv = {}) => runCli(["scan", SAMPLES, "--format", format, "-q"], env);

describe("SBOMs of the samples scan", () => {
  let report: Report;
  let cdxText: string;
  let cdx: Cdx;
  let spdxText: string;
  let spdx: Spdx;
  beforeAll(() => {
    report = JSON.parse(sbom("json").stdout);
    cdxText = sbom("cyclonedx").stdout;
    cdx = JSON.parse(cdxText);
    spdxText = sbom("spdx").stdout;
    spdx = JSON.parse(spdxText);
  });

  it("CycloneDX is valid against the official 1.6 schema, by Ajv and by Python's jsonschema", () => {
    expect(cycloneDxProblems(cdx)).toEqual([]);
    expect(independentProblems("cyclonedx", cdxText)).toEqual([]);
  });

  it("SPDX is valid against the official 2.3 schema, by Ajv and by Python's jsonschema", () => {
    expect(spdxProblems(spdx)).toEqual([]);
    expect(independentProblems("spdx", spdxText)).toEqual([]);
  });

  it("has one CycloneDX component per module and blob, with the JSON report's sha256 and path", () => {
    const modules = cdx.components.filter((c) => c.type !== "operating-system");
    expect(modules.map((c) => [c["bom-ref"], c.hashes?.[0]?.content])).toEqual(
      report.modules.map((m) => [m.path, m.sha256]),
    );
  });

  it("has one SPDX package per module and blob, with the JSON report's sha256 and path", () => {
    const modules = spdx.packages.filter((p) => p.SPDXID.startsWith("SPDXRef-Module-"));
    expect(modules.map((p) => [p.sourceInfo, p.checksums?.[0]?.checksumValue])).toEqual(
      report.modules.map((m) => [`found at ${m.path}`, m.sha256]),
    );
  });

  it("declares each license tag verbatim, and no SPDX expression the kernel's string does not fix", () => {
    const shim = cdx.components.find((c) => c["bom-ref"] === "shim/gpl_shim.ko")!;
    expect(shim.licenses).toEqual([{ license: { name: "GPL", acknowledgement: "declared" } }]);
    const meaning = shim.properties!.find((p) => p.name === "kmodaudit:license:meaning")!.value;
    expect(meaning).toContain("GPL-2.0-only, GPL-2.0-or-later");
    for (const p of spdx.packages) expect(p.licenseDeclared).toBe("NOASSERTION");
    const spdxShim = spdx.packages.find((p) => p.sourceInfo === "found at shim/gpl_shim.ko")!;
    expect(spdxShim.licenseComments).toContain('MODULE_LICENSE "GPL": GPL version 2; no single SPDX expression');
  });

  it("turns resolved imports between scanned modules into dependencies, in both formats", () => {
    const user = "shim/proprietary_shim_user.ko";
    expect(cdx.dependencies.find((d) => d.ref === user)?.dependsOn).toContain("shim/gpl_shim.ko");
    const id = (path: string) => spdx.packages.find((p) => p.sourceInfo === `found at ${path}`)!.SPDXID;
    expect(spdx.relationships).toContainEqual({
      spdxElementId: id(user),
      relationshipType: "DEPENDS_ON",
      relatedSpdxElement: id("shim/gpl_shim.ko"),
    });
  });

  it("carries kmodaudit's verdicts and findings", () => {
    const glue = cdx.components.find((c) => c["bom-ref"] === "vendor_glue.ko")!;
    const props = Object.fromEntries(
      glue.properties!.filter((p) => !p.name.endsWith("finding")).map((p) => [p.name, p.value]),
    );
    expect(props["kmodaudit:gpl-compatible:loader"]).toBe("false");
    expect(props["kmodaudit:gpl-only-imports"]).toContain("ktime_get (vmlinux)");
    expect(
      glue.properties!.some((p) => p.name === "kmodaudit:finding" && p.value.startsWith("error gpl-only-symbol-use:")),
    ).toBe(true);
  });

  it("gives the same bytes on a second run, with no timestamp or serial number unless SOURCE_DATE_EPOCH asks", () => {
    expect(sbom("cyclonedx").stdout).toBe(cdxText);
    expect(sbom("spdx").stdout).toBe(spdxText);
    expect(cdx.metadata.timestamp).toBeUndefined();
    expect(cdx.serialNumber).toBeUndefined();
    expect(spdx.creationInfo.created).toBe("1970-01-01T00:00:00Z");
    const dated = JSON.parse(sbom("cyclonedx", { SOURCE_DATE_EPOCH: "1764806400" }).stdout) as Cdx;
    expect(dated.metadata.timestamp).toBe("2025-12-04T00:00:00.000Z");
    const datedSpdx = JSON.parse(sbom("spdx", { SOURCE_DATE_EPOCH: "1764806400" }).stdout) as Spdx;
    expect(datedSpdx.creationInfo.created).toBe("2025-12-04T00:00:00Z");
  });
});
