import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EXPORT_TYPES } from "../../src/core/export-types.js";
import { REPORT_SCHEMA_FILE } from "../../src/report/schema-file.js";
import { RULES } from "../../src/rules/meta.js";
import { runCliJson } from "../helpers/cli.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { closedSchema, compileReportSchema, REPORT_SCHEMA, reportSchemaErrors } from "../helpers/report-schema.js";

/*
 * schema/kmodaudit-report.schema.json is the published contract of `--format json` (design.md §3).
 * The suite holds every report runCliJson produces to it; these tests hold the schema itself to the
 * reports and to the contract.
 */

const ROOT = new URL("../../", import.meta.url);
const GOLDEN = JSON.parse(readFileSync(new URL("test/golden/samples.json", ROOT), "utf8"));

const shipped = compileReportSchema(REPORT_SCHEMA);
const closed = compileReportSchema(closedSchema(REPORT_SCHEMA));

type Report = typeof GOLDEN;
/** A deep copy of the golden report, changed by `edit`. */
function mutated(edit: (r: Report) => void): Report {
  const r = structuredClone(GOLDEN);
  edit(r);
  return r;
}
const withFindings = (r: Report) => r.modules.find((m: { findings: unknown[] }) => m.findings.length > 0);

describe("the report schema", () => {
  it("is a JSON Schema 2020-12 document that compiles under Ajv's strict mode, as shipped and closed", () => {
    expect(REPORT_SCHEMA.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(() => compileReportSchema(REPORT_SCHEMA)).not.toThrow();
    expect(() => compileReportSchema(closedSchema(REPORT_SCHEMA))).not.toThrow();
  });

  it("is the file the library names, and the package ships it", () => {
    expect(fileURLToPath(REPORT_SCHEMA_FILE)).toBe(fileURLToPath(new URL("schema/kmodaudit-report.schema.json", ROOT)));
    expect(String(REPORT_SCHEMA.$id)).toMatch(/\/schema\/kmodaudit-report\.schema\.json$/);
    const pkg = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8"));
    expect(pkg.files).toContain("schema");
  });

  it("names every rule id and export type the tool has, no more", () => {
    const defs = REPORT_SCHEMA.$defs as Record<string, { enum: string[] }>;
    expect([...defs.ruleId!.enum].sort()).toEqual(Object.keys(RULES).sort());
    expect(defs.exportType!.enum).toEqual([...EXPORT_TYPES]);
  });
});

describe("real reports", () => {
  it("the golden report of samples/ is valid", () => {
    expect(reportSchemaErrors(GOLDEN)).toEqual([]);
  });

  it.skipIf(skipCorpus).each(["s390x", "amd64xz"] as const)("a scan of the %s corpus tree is valid", (name) => {
    // runCliJson holds the report to the closed schema as it parses it; this says so in the open.
    const { json } = runCliJson(["scan", corpusSet(name).modules]);
    expect(json.modules.length).toBeGreaterThan(1000);
    expect(reportSchemaErrors(json)).toEqual([]);
  });
});

describe("`kmodaudit system` reports", () => {
  // A root with one module tree and a proc directory, as test/unit/running-system.test.ts builds a fuller one.
  const root = mkdtempSync(join(tmpdir(), "kmodaudit-schema-"));
  const release = "6.1.0-56-amd64";
  const tree = join(root, "lib/modules", release);
  mkdirSync(join(tree, "kernel"), { recursive: true });
  for (const sample of ["gpl_clean.ko", "proprietary_gpl_use.ko"])
    copyFileSync(fileURLToPath(new URL(`samples/${sample}`, ROOT)), join(tree, "kernel", sample));
  mkdirSync(join(root, "proc/sys/kernel"), { recursive: true });
  writeFileSync(
    join(root, "proc/modules"),
    "proprietary_gpl_use 16384 0 - Live 0x0000000000000000 (POE)\ngpl_clean 16384 - [permanent], Unloading 0x0 (OE-)\n",
  );
  writeFileSync(join(root, "proc/sys/kernel/tainted"), "12801\n");
  mkdirSync(join(root, "bare-proc"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("with loaded modules and the kernel's taint are valid", () => {
    const { json } = runCliJson(["system", "--root", root, "--proc", join(root, "proc"), "--kernel-release", release]);
    expect(json.running.loaded).toHaveLength(2);
    expect(reportSchemaErrors(json)).toEqual([]);
  });

  it("without a readable /proc are valid: taint null, loaded modules not listed", () => {
    const proc = join(root, "bare-proc");
    const { json } = runCliJson(["system", "--root", root, "--proc", proc, "--kernel-release", release]);
    expect(json.running.tainted).toBeNull();
    expect(json.running.loaded ?? null).toBeNull();
    expect(reportSchemaErrors(json)).toEqual([]);
  });
});

describe("reports that break the contract are rejected", () => {
  it.each([
    [
      "a finding with an unknown rule id",
      (r: Report) => {
        withFindings(r).findings[0].rule = "gpl-only-symbol";
      },
    ],
    [
      "a finding with a wrong severity",
      (r: Report) => {
        withFindings(r).findings[0].severity = "fatal";
      },
    ],
    [
      "a module without sha256",
      (r: Report) => {
        delete r.modules[0].sha256;
      },
    ],
    [
      "a module whose sha256 is not 64 hex digits",
      (r: Report) => {
        r.modules[0].sha256 = r.modules[0].sha256.toUpperCase();
      },
    ],
    [
      "a module without path",
      (r: Report) => {
        delete r.modules[0].path;
      },
    ],
    [
      "a __versions CRC not written as Module.symvers writes it",
      (r: Report) => {
        r.modules[0].versions[0].crc = 3187375547;
      },
    ],
    [
      "a summary counting findings of an unknown rule",
      (r: Report) => {
        r.summary.findings["no-such-rule"] = 1;
      },
    ],
    [
      "a rule missing from rules",
      (r: Report) => {
        delete r.rules["gpl-only-symbol-use"];
      },
    ],
    [
      "an upgrade change of an unknown kind",
      (r: Report) => {
        r.modules[0].upgrades = [
          {
            to: "6.12.118+deb12-amd64",
            asked: "6.12",
            verdict: "build-fails",
            why: ["x is gone"],
            changes: [
              {
                symbol: "x",
                change: "renamed",
                weak: false,
                before: { provider: "vmlinux", type: "EXPORT_SYMBOL", gplOnly: false, namespace: null },
                after: null,
              },
            ],
          },
        ];
      },
    ],
    [
      "another schemaVersion",
      (r: Report) => {
        r.schemaVersion = 2;
      },
    ],
  ])("%s", (_, edit) => {
    const report = mutated(edit);
    expect(shipped(report)).toBe(false);
    expect(closed(report)).toBe(false);
  });
});

describe('fields added later ("more may be added", design.md §3)', () => {
  it("are accepted by the shipped schema, at the top level and in a module, so a consumer's copy keeps working", () => {
    const report = mutated((r) => {
      r.sbom = { format: "cyclonedx" };
      r.modules[0].licenseExpression = "GPL-2.0-only";
    });
    expect(shipped(report), JSON.stringify(shipped.errors)).toBe(true);
  });

  it("are rejected by the closed schema the suite uses, until the schema describes them", () => {
    expect(closed(mutated((r) => (r.sbom = {})))).toBe(false);
    expect(closed(mutated((r) => (r.modules[0].licenseExpression = "GPL-2.0-only")))).toBe(false);
  });

  it("are rejected by the shipped schema in objects whose fields are fixed by what they describe", () => {
    expect(shipped(mutated((r) => (r.modules[0].elf.abi = "SysV")))).toBe(false);
    expect(shipped(mutated((r) => (r.modules[0].versions[0].weak = false)))).toBe(false);
    expect(shipped(mutated((r) => (r.tool.commit = "abc")))).toBe(false);
  });
});
