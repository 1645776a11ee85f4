import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuditedModule, type ScanKernel, type ScanResult, scan } from "../../src/index.js";
import { displayWidth } from "../../src/report/display-width.js";
import { renderHtml } from "../../src/report/html.js";
import { renderJunit } from "../../src/report/junit.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { toSarif } from "../../src/report/sarif.js";
import { renderTable } from "../../src/report/table.js";

/*
 * Every report names each finding's kernel when a scan holds several (issue 18), and a scan of one
 * kernel reads as it did. The two-kernel result is the samples scan with its modules shared out
 * between two releases: those in a subdirectory go to a second kernel, and one module appears in
 * both (the same file in two kernels is two modules).
 */

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const WIDTHS = [60, 80, 120, 200];
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
/** The module that appears in both kernels. */
const TWICE = "proprietary_gpl_use.ko";

let one: ScanResult;
let two: ScanResult;
let first: string;
let second: string;

/** The samples scan as a scan of two kernels. */
function asTwoKernels(result: ScanResult): ScanResult {
  const [kernel] = result.kernels;
  const release = kernel?.release ?? result.modules.find((m) => m.facts.vermagic)?.facts.vermagic?.split(" ")[0];
  if (!kernel || !release) throw new Error("the samples scan names no kernel");
  first = release;
  second = `${release}+second`;
  const modules: AuditedModule[] = result.modules.map((m) => ({ ...m, kernel: m.path.includes("/") ? second : first }));
  const copy = modules.find((m) => m.path === TWICE)!;
  modules.push({ ...copy, path: `second/${TWICE}`, kernel: second });
  const count = (r: string) => modules.filter((m) => m.kernel === r).length;
  const kernels: ScanKernel[] = [
    { ...kernel, release: first, modules: count(first) },
    { ...kernel, release: second, modules: count(second), running: true },
  ];
  return { ...result, kernels, kernel: { ...result.kernel, release: null }, modules };
}

const withFindings = (r: ScanResult) => r.modules.filter((m) => m.findings.length > 0);
const findingsOf = (r: ScanResult) => r.modules.flatMap((m) => m.findings.map((f) => ({ m, f })));

beforeAll(async () => {
  one = await scan([SAMPLES]);
  two = asTwoKernels(one);
  expect(withFindings(two).some((m) => m.kernel === first)).toBe(true);
  expect(withFindings(two).some((m) => m.kernel === second)).toBe(true);
});

describe("the table report of a scan of two kernels", () => {
  /** The report cut at each kernel's heading: the heading's release and the text up to the next. */
  const sections = (text: string) =>
    text.split(/^(?=Kernel \S+(?: \(running\))?: )/m).filter((s) => /^Kernel \S+(?: \(running\))?: /.test(s));

  it("groups the modules under a heading per kernel that names its release, counts and tables", () => {
    const text = renderTable(two, { width: 200 });
    const parts = sections(text);
    expect(parts.map((p) => p.split(":")[0])).toEqual([`Kernel ${first}`, `Kernel ${second} (running)`]);
    for (const [i, release] of [first, second].entries()) {
      const mine = two.modules.filter((m) => m.kernel === release);
      // The heading is wrapped to the width: its lines up to the table's top, joined again.
      const heading = parts[i]!.split("\n┌")[0]!.replace(/\n/g, " ");
      expect(heading).toContain(`${mine.filter((m) => m.kind === "module").length} module`);
      expect(heading).toContain("symvers-");
      for (const m of withFindings(two)) {
        const row = new RegExp(`│ ${m.path.replace(/[.+]/g, "\\$&")} `);
        expect(row.test(parts[i]!), `${m.path} under ${release}`).toBe(m.kernel === release);
      }
    }
  });

  it("says each kernel's export table under the table", () => {
    const text = renderTable(two, { width: 200 });
    for (const release of [first, second]) expect(text).toContain(`Kernel ${release} export table: `);
    expect(text).not.toMatch(/^Kernel export table: /m);
  });

  it("keeps every line within the width, headings included", () => {
    for (const width of WIDTHS) {
      for (const all of [false, true]) {
        const lines = renderTable(two, { width, all, color: true }).replace(SGR, "").split("\n");
        expect(Math.max(...lines.map(displayWidth)), `width ${width}`).toBeLessThanOrEqual(width);
      }
    }
  });

  it("gives a kernel without findings its heading, and its rows with --all", () => {
    const quiet = { ...two, modules: two.modules.map((m) => (m.kernel === second ? { ...m, findings: [] } : m)) };
    const text = renderTable(quiet, { width: 200 });
    expect(text).toMatch(new RegExp(`^Kernel ${second.replace(/[.+]/g, "\\$&")} \\(running\\): .*no findings`, "m"));
    const all = sections(renderTable(quiet, { width: 200, all: true }));
    expect(all[1]).toContain(`│ second/${TWICE} `);
  });
});

describe("SARIF of a scan of two kernels", () => {
  it("is valid against the SARIF 2.1.0 schema", () => {
    const require = createRequire(import.meta.url);
    const Ajv2020 = require("ajv/dist/2020").default;
    const addFormats = require("ajv-formats").default;
    // The schema's patterns are not valid in Ajv's default unicode regex mode.
    const ajv = new Ajv2020({ allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const schema = new URL("../../node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json", import.meta.url);
    const validate = ajv.compile(JSON.parse(readFileSync(schema, "utf8")));
    expect(validate(toSarif(two)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("names each result's kernel in its properties, its message and its logical location", () => {
    const log = toSarif(two);
    const results = log.runs[0]!.results;
    const expected = findingsOf(two);
    expect(results).toHaveLength(expected.length);
    results.forEach((r, i) => {
      const { m } = expected[i]!;
      expect(r.properties).toMatchObject({ kernel: m.kernel });
      expect(r.message.text).toContain(`${m.name} (kernel ${m.kernel}): `);
      expect(r.locations[0]!.logicalLocations[0]).toMatchObject({ fullyQualifiedName: `${m.kernel}/${m.name}` });
    });
  });

  it("lists the kernels in the run's properties", () => {
    const kernels = toSarif(two).runs[0]!.properties.kernels!;
    expect(kernels.map((k) => k.release)).toEqual([first, second]);
    expect(kernels[1]).toMatchObject({ running: true, modules: two.kernels[1]!.modules });
    const total = (k: (typeof kernels)[number]) => Object.values(k.summary.findings).reduce((a, b) => a + (b ?? 0), 0);
    expect(kernels.map(total)).toEqual(
      [first, second].map((r) => findingsOf(two).filter(({ m }) => m.kernel === r).length),
    );
  });

  it("keeps the same module's findings in two kernels apart by fingerprint", () => {
    const prints = toSarif(two).runs[0]!.results.map((r) => Object.values(r.partialFingerprints)[0]);
    expect(new Set(prints).size).toBe(prints.length);
  });
});

describe("JUnit of a scan of two kernels", () => {
  const xpath = (xml: string, expr: string) =>
    execFileSync("xmllint", ["--xpath", expr, "-"], { input: xml, encoding: "utf8" }).replace(/\n$/, "");

  it("is well-formed XML", () => {
    const r = spawnSync("xmllint", ["--noout", "-"], { input: renderJunit(two), encoding: "utf8" });
    expect(r.stderr).toBe("");
  });

  it("puts each finding in a suite of its kernel and names the kernel in its details", () => {
    const xml = renderJunit(two, { failOn: "info" });
    for (const { m, f } of findingsOf(two)) {
      const suite = `kernel ${m.kernel}: ${f.rule}`;
      const cases = `//testsuite[@name="${suite}"]/testcase[starts-with(@name, "${m.path}")]`;
      expect(Number(xpath(xml, `count(${cases})`)), `${m.path} in ${suite}`).toBeGreaterThan(0);
      expect(xpath(xml, `string(${cases}/failure)`)).toContain(`Kernel: ${m.kernel}`);
    }
    for (const release of [first, second]) {
      expect(xpath(xml, `count(//testsuite[@name="kernel ${release}: kernel export table"])`)).toBe("1");
    }
  });
});

describe("Markdown of a scan of two kernels", () => {
  it("names the kernel on every finding row and lists the kernels", () => {
    const md = renderMarkdown(two);
    expect(md).toContain("| Module | Kernel | Severity | Rule | Symbols | Finding |");
    const rows = md.split("\n").filter((l) => /^\| .* \| (\*\*error\*\*|warning|info) \| \[/.test(l));
    expect(rows).toHaveLength(findingsOf(two).length);
    for (const row of rows)
      expect(row).toMatch(new RegExp(`^\\| [^|]* \\| \`(${[first, second].join("|").replace(/[.+]/g, "\\$&")})\` \\|`));
    for (const release of [first, second])
      expect(md).toMatch(new RegExp(`^- Kernel \`${release.replace(/[.+]/g, "\\$&")}\``, "m"));
  });
});

describe("HTML of a scan of two kernels", () => {
  it("gives the module table a kernel column and lists the kernels in the summary", () => {
    const html = renderHtml(two);
    expect(html).toContain('<button type="button" data-col="1" data-type="text">Kernel</button>');
    const rows = html.match(/<tr id="m-\d+"[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(withFindings(two).length);
    for (const row of rows) {
      const path = /<span class="path">([^<]*)<\/span>/.exec(row)![1];
      const module = two.modules.find((m) => m.path === path)!;
      expect(row).toContain(`</td><td data-sort="${module.kernel}"><code>${module.kernel}</code></td>`);
    }
    const kernels = /<table id="kernels">[\s\S]*?<\/table>/.exec(html)![0];
    for (const release of [first, second]) expect(kernels).toContain(`<code>${release}</code>`);
  });
});

describe("a scan of one kernel", () => {
  it("reads as it did: no kernel headings, columns or properties, whatever its modules' kernel", () => {
    const unnamed = { ...one, modules: one.modules.map((m) => ({ ...m, kernel: null })) };
    expect(renderTable(one)).toBe(renderTable(unnamed));
    expect(renderTable(one)).not.toMatch(/^Kernel \S+: /m);
    expect(renderMarkdown(one)).toBe(renderMarkdown(unnamed));
    expect(renderMarkdown(one)).toContain("| Module | Severity | Rule | Symbols | Finding |");
    expect(renderJunit(one)).toBe(renderJunit(unnamed));
    expect(renderJunit(one)).not.toMatch(/name="kernel [^"]*: /);
    expect(renderHtml(one)).toBe(renderHtml(unnamed));
    expect(renderHtml(one)).not.toContain('id="kernels"');
    expect(JSON.stringify(toSarif(one))).toBe(JSON.stringify(toSarif(unnamed)));
    expect(toSarif(one).runs[0]!.properties).not.toHaveProperty("kernels");
  });
});
