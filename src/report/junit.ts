import type { AuditedModule, FileError, NotJudged, ScanKernel, ScanResult } from "../core/results.js";
import { RULES } from "../rules/meta.js";
import { chainsOf, type Finding, type RuleId } from "../core/findings.js";
import { failsAt, type FailOn } from "../policy/severity.js";
import { escapeForTerminal as esc } from "./escape.js";
import { counterparts } from "./fingerprint.js";
import { ruleHelpUri } from "./links.js";
import { notJudgedText, tableNoticeGiven } from "./not-judged.js";
import { xmlAttr, xmlText } from "./xml.js";
import { kernelTables } from "./kernel-tables.js";
import { kernelGroups, kernelLabel, severalKernels } from "./kernels.js";

export interface JunitOptions {
  /**
   * Findings at or above this severity are failures; the rest are reported on passing test cases
   * ("none": nothing fails).
   */
  failOn?: FailOn;
}

/** Symbols listed in one failure; the JSON and SARIF reports carry them all. */
const MAX_SYMBOLS = 100;

interface TestCase {
  classname: string;
  name: string;
  /** The child element, already XML. */
  body: string;
  outcome: "passed" | "failed" | "error" | "skipped";
}

interface Suite {
  name: string;
  cases: TestCase[];
}

const fails = (f: Finding, failOn: FailOn): boolean => failsAt(f.severity, failOn);

/**
 * What a reader needs to act on one finding, one fact a line; strings from binaries made visible.
 * `several`: the scan held several kernels, and the finding's is named.
 */
function details(m: AuditedModule, f: Finding, several: boolean): string {
  const lines = [`${f.severity} ${f.rule} in ${esc(m.name)} (${esc(m.path)})`, esc(f.message)];
  if (several) lines.push(`Kernel: ${esc(kernelLabel(m.kernel))}`);
  if (f.symbols.length) {
    const shown = f.symbols.slice(0, MAX_SYMBOLS).map(esc).join(", ");
    lines.push(
      `Symbols: ${shown}${f.symbols.length > MAX_SYMBOLS ? ` and ${f.symbols.length - MAX_SYMBOLS} more` : ""}`,
    );
  }
  for (const chain of chainsOf(f)) lines.push(`Chain: ${chain.map(esc).join(" → ")}`);
  lines.push(`Rule: ${RULES[f.rule].title}. ${ruleHelpUri(f.rule)}`);
  return lines.join("\n");
}

/**
 * The module's path, and the other modules involved, so that two findings of one rule on one module
 * stay two test cases.
 */
function caseName(m: AuditedModule, f: Finding): string {
  const others = counterparts(m, f);
  return others.length ? `${m.path} (with ${others.join(", ")})` : m.path;
}

function findingCase(m: AuditedModule, f: Finding, failOn: FailOn, several: boolean): TestCase {
  const text = details(m, f, several);
  const name = caseName(m, f);
  if (fails(f, failOn)) {
    return {
      classname: f.rule,
      name,
      outcome: "failed",
      body: `<failure type="${f.severity}" message="${xmlAttr(esc(f.message))}">${xmlText(text)}</failure>`,
    };
  }
  const why = failOn === "none" ? "(--fail-on none)" : `(below --fail-on ${failOn})`;
  return { classname: f.rule, name, outcome: "passed", body: `<system-out>${xmlText(`${text}\n${why}`)}</system-out>` };
}

function errorCase(e: FileError): TestCase {
  const detail = [
    esc(e.message),
    ...(e.structure ? [`Structure: ${esc(e.structure)}`] : []),
    ...(e.offset === undefined ? [] : [`Offset: ${e.offset}`]),
    "The file was not audited: the audit is incomplete.",
  ];
  return {
    classname: "unreadable-file",
    name: e.path,
    outcome: "error",
    body:
      `<error type="${xmlAttr(e.structure ?? "read")}" ` +
      `message="${xmlAttr(esc(e.message))}">${xmlText(detail.join("\n"))}</error>`,
  };
}

/** Something asked for that could not be judged: an error, as an unreadable file is, since the audit is incomplete. */
function notJudgedCase(n: NotJudged): TestCase {
  const text = esc(notJudgedText(n));
  return {
    classname: "not-judged",
    name: n.path ?? n.code,
    outcome: "error",
    body: `<error type="${n.code}" message="${xmlAttr(text)}">${xmlText(`${text}\nThe audit is incomplete.`)}</error>`,
  };
}

function tableCase(scan: ScanResult, kernel: Pick<ScanKernel, "sources" | "exports" | "gplOnlyKnown">): TestCase {
  const name = "GPL-only kernel exports known";
  if (!kernel.gplOnlyKnown) {
    const advice = tableNoticeGiven(scan) ? "The not-judged test cases say why." : "Pass --symvers FILE.";
    const why =
      `No kernel export table with export types (Module.symvers, vmlinux, System.map): GPL-only kernel exports ` +
      `are unknown and were not checked. ${advice}`;
    return { classname: "kernel-export-table", name, outcome: "skipped", body: `<skipped message="${xmlAttr(why)}"/>` };
  }
  const tables = kernelTables(kernel).map((s) => esc(s.file));
  return {
    classname: "kernel-export-table",
    name,
    outcome: "passed",
    body: `<system-out>${xmlText(`${tables.join("\n")}\n${kernel.exports} exports known.`)}</system-out>`,
  };
}

/**
 * Test suites a CI system shows at a glance: one per rule that reported something (its test cases
 * are the modules it reported on, failing at or above --fail-on), then the modules without
 * findings, the files that could not be read and what could not be judged (as errors), and whether
 * GPL-only exports were known. In a scan of several kernels, the suites of findings, of modules
 * without any and of the export table come per kernel, each suite's name starting with the kernel's.
 */
function suitesOf(scan: ScanResult, failOn: FailOn): Suite[] {
  const scanWide = [
    { name: "unreadable files", cases: scan.errors.map(errorCase) },
    { name: "not judged", cases: scan.notJudged.map(notJudgedCase) },
  ];
  const groups = severalKernels(scan) ? kernelGroups(scan) : null;
  const suites = groups
    ? [
        ...groups.flatMap(({ kernel, modules }) =>
          kernelSuites(modules, failOn, true).map((s) => ({
            ...s,
            name: `kernel ${kernelLabel(kernel.release)}: ${s.name}`,
          })),
        ),
        ...scanWide,
        ...groups.map(({ kernel }) => ({
          name: `kernel ${kernelLabel(kernel.release)}: kernel export table`,
          cases: [tableCase(scan, kernel)],
        })),
      ]
    : [
        ...kernelSuites(scan.modules, failOn, false),
        ...scanWide,
        { name: "kernel export table", cases: [tableCase(scan, scan.kernel)] },
      ];
  return suites.filter((s) => s.cases.length > 0);
}

/** One suite per rule that reported something on these modules, then those without findings. */
function kernelSuites(modules: readonly AuditedModule[], failOn: FailOn, several: boolean): Suite[] {
  const byRule = new Map<RuleId, TestCase[]>((Object.keys(RULES) as RuleId[]).map((id) => [id, []]));
  for (const m of modules) for (const f of m.findings) byRule.get(f.rule)!.push(findingCase(m, f, failOn, several));
  const clean = modules
    .filter((m) => m.findings.length === 0)
    .map((m): TestCase => ({ classname: "no-findings", name: m.path, outcome: "passed", body: "" }));
  return [
    ...[...byRule].map(([rule, cases]) => ({ name: rule, cases })),
    { name: "modules without findings", cases: clean },
  ];
}

const count = (cases: TestCase[], outcome: TestCase["outcome"]) => cases.filter((c) => c.outcome === outcome).length;

const counts = (cases: TestCase[]) =>
  `tests="${cases.length}" failures="${count(cases, "failed")}" errors="${count(cases, "error")}" ` +
  `skipped="${count(cases, "skipped")}"`;

function renderCase(c: TestCase): string {
  const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}"`;
  return c.body ? `${open}>\n      ${c.body}\n    </testcase>` : `${open}/>`;
}

/**
 * JUnit XML as GitLab, Jenkins and GitHub test reporters read it. No timestamps or durations: the same
 * scan gives the same bytes.
 */
export function renderJunit(scan: ScanResult, options: JunitOptions = {}): string {
  const suites = suitesOf(scan, options.failOn ?? "error");
  const all = suites.flatMap((s) => s.cases);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="kmodaudit" ${counts(all)}>`];
  for (const s of suites)
    lines.push(
      `  <testsuite name="${xmlAttr(s.name)}" ${counts(s.cases)}>`,
      ...s.cases.map(renderCase),
      "  </testsuite>",
    );
  lines.push("</testsuites>");
  return lines.join("\n") + "\n";
}
