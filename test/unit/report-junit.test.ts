import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SAMPLES = join(REPO, "samples");
const HOSTILE = join(REPO, "test/hostile/files");

/** xmllint (libxml2) is the independent parser: it fails on anything that is not well-formed XML 1.0. */
function wellFormed(xml: string): { ok: boolean; complaint: string } {
  const r = spawnSync("xmllint", ["--noout", "-"], { input: xml, encoding: "utf8" });
  return { ok: r.status === 0, complaint: r.stderr };
}

/** An XPath expression evaluated by xmllint, as a string (xmllint ends its answer with a newline of its own). */
function xpath(xml: string, expr: string): string {
  return execFileSync("xmllint", ["--xpath", expr, "-"], { input: xml, encoding: "utf8" }).replace(/\n$/, "");
}

const junit = (args: string[]) => runCli(["scan", ...args, "--format", "junit"]);

describe("JUnit for the samples scan", () => {
  let xml: string;
  beforeAll(() => {
    xml = junit([SAMPLES]).stdout;
  });

  it("is well-formed XML", () => {
    expect(wellFormed(xml)).toEqual({ ok: true, complaint: "" });
  });

  it("has one test suite per rule that reported, then the clean modules and the kernel table", () => {
    const json = JSON.parse(runCli(["scan", SAMPLES, "--format", "json"]).stdout);
    const rules = Object.keys(json.rules).filter((r) => json.summary.findings[r]);
    expect(
      xpath(xml, "//testsuite/@name")
        .trim()
        .split("\n")
        .map((a) => a.trim()),
    ).toEqual([...rules, "modules without findings", "kernel export table"].map((n) => `name="${n}"`));
    const findings = Object.values(json.summary.findings as Record<string, number>).reduce((a, b) => a + b, 0);
    const clean = json.modules.filter((m: { findings: unknown[] }) => m.findings.length === 0).length;
    expect(xpath(xml, "string(/testsuites/@tests)")).toBe(String(findings + clean + 1));
  });

  it("fails a module's test case for each finding at or above --fail-on (default error)", () => {
    expect(xpath(xml, "count(//testcase[failure])")).toBe("9");
    expect(xpath(xml, "string(/testsuites/@failures)")).toBe("9");
    expect(xpath(xml, 'string(//testsuite[@name="gpl-only-symbol-use"]/@failures)')).toBe("5");
    expect(
      xpath(xml, 'string(//testcase[@classname="gpl-only-symbol-use"][@name="proprietary_gpl_use.ko"]/failure/@type)'),
    ).toBe("error");
    const body = xpath(
      xml,
      'string(//testcase[@classname="gpl-only-symbol-use"][@name="proprietary_gpl_use.ko"]/failure)',
    );
    expect(body).toContain("Symbols: debugfs_create_dir, debugfs_create_u32, debugfs_remove");
    expect(body).toContain("https://github.com/kmodaudit/kmodaudit/blob/main/docs/rules.md#gpl-only-symbol-use");
  });

  it("reports findings below --fail-on on passing test cases, with the details in system-out", () => {
    const out = xpath(xml, 'string(//testcase[@classname="missing-license"][@name="no_license.ko"]/system-out)');
    expect(out).toMatch(/^warning missing-license in no_license \(no_license\.ko\)\n/);
    expect(out).toMatch(/\(below --fail-on error\)$/);
    expect(xpath(xml, 'count(//testcase[@classname="missing-license"]/failure)')).toBe("0");
  });

  it("names the other module in a test case of a finding that involves one, and shows its chains", () => {
    expect(xpath(xml, 'string(//testcase[@classname="proprietary-taint-inherited"]/@name)')).toBe(
      "taint/gpl_taint_user.ko (with proprietary_lib)",
    );
    expect(xpath(xml, 'string(//testcase[@classname="gpl-shim-reexport"]/system-out)')).toContain(
      "Chain: proprietary_shim_user → gpl_shim → shim_debugfs_dir → debugfs_create_dir",
    );
  });

  it("lists every module without findings as a passing test case", () => {
    expect(xpath(xml, 'count(//testsuite[@name="modules without findings"]/testcase[@name="gpl_clean.ko"])')).toBe("1");
    expect(xpath(xml, 'count(//testsuite[@name="modules without findings"]/testcase/*)')).toBe("0");
  });

  it("--fail-on warning fails warnings too; --fail-on none fails nothing", () => {
    expect(xpath(junit([SAMPLES, "--fail-on", "warning"]).stdout, "string(/testsuites/@failures)")).toBe("16");
    expect(xpath(junit([SAMPLES, "--fail-on", "none"]).stdout, "string(/testsuites/@failures)")).toBe("0");
  });

  it("is byte-for-byte the same on a second run (no timestamps or durations)", () => {
    expect(junit([SAMPLES]).stdout).toBe(xml);
    expect(xml).not.toMatch(/timestamp=|time=/);
  });
});

describe("JUnit for unreadable files", () => {
  it("reports each as a test case with an error, keeps the XML well-formed, and exits 2", () => {
    const r = junit([HOSTILE]);
    expect(r.status).toBe(2);
    expect(wellFormed(r.stdout).ok).toBe(true);
    const json = JSON.parse(runCli(["scan", HOSTILE, "--format", "json"]).stdout);
    expect(xpath(r.stdout, 'string(//testsuite[@name="unreadable files"]/@errors)')).toBe(String(json.errors.length));
    const first = json.errors[0];
    expect(
      xpath(r.stdout, `string(//testcase[@classname="unreadable-file"][@name="${first.path}"]/error/@message)`),
    ).toBe(first.message);
    expect(xpath(r.stdout, `string(//testcase[@classname="unreadable-file"][@name="${first.path}"]/error/@type)`)).toBe(
      first.structure,
    );
  });

  it("marks the GPL-only checks skipped when no kernel table said which exports are GPL-only", () => {
    const xml = junit([HOSTILE, "--no-embedded"]).stdout;
    expect(xpath(xml, 'string(//testcase[@classname="kernel-export-table"]/skipped/@message)')).toMatch(
      /GPL-only kernel exports are unknown/,
    );
    expect(xpath(junit([SAMPLES]).stdout, 'count(//testcase[@classname="kernel-export-table"]/skipped)')).toBe("0");
  });
});

describe("JUnit with hostile strings from binaries", () => {
  /** A module whose name, license, imports and file name hold XML syntax, CDATA ends, controls (XML 1.0 forbids most) and a noncharacter. */
  function hostileTree(): string {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-junit-"));
    writeFileSync(
      join(dir, "Module.symvers"),
      "0x1\t_printk\tvmlinux\tEXPORT_SYMBOL\n0x2\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\n",
    );
    const license = "license=Prop ]]></failure>\x01\x1b[2J\xEF\xBF\xBE"; // latin1 bytes: EF BF BE is U+FFFE in UTF-8
    writeFileSync(
      join(dir, `a<b>&'".ko`),
      miniModule(64, "little", [license, "name=ev\x01il<&>"], ["_printk", "debugfs_create_dir", "sym<b>&\x02\x7f"])
        .bytes,
    );
    return dir;
  }

  it("stay well-formed XML 1.0 and read back as the escaped text the table shows", () => {
    const xml = junit([hostileTree()]).stdout;
    expect(wellFormed(xml)).toEqual({ ok: true, complaint: "" });
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    expect(xpath(xml, 'string(//testcase[@classname="gpl-only-symbol-use"]/@name)')).toBe(`a<b>&'".ko`);
    expect(xpath(xml, 'string(//testcase[@classname="gpl-only-symbol-use"]/failure/@message)')).toBe(
      'license "Prop ]]></failure>\\x01\\x1b[2J\\ufffe" is not GPL-compatible, yet it imports 1 GPL-only symbol from vmlinux: debugfs_create_dir',
    );
    expect(xpath(xml, 'string(//testcase[@classname="unresolved-symbol"]/failure)')).toContain(
      "Symbols: sym<b>&\\x02\\x7f",
    );
    expect(xpath(xml, 'string(//testcase[@classname="unresolved-symbol"]/failure)')).toContain("in ev\\x01il<&>");
  });
});
