import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml, scan, type AuditedModule, type ScanResult } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { layeredLayout, type LayoutNode } from "../../src/report/html-layout.js";
import { launchChromium, openFile, type Browser, type PageLog } from "./chromium.js";

/*
 * The HTML report in a real browser: Debian's headless Chromium loads the file from disk. It must
 * fetch nothing, log no error, sort its table, draw its picture, and show hostile strings from
 * binaries as text. Screenshots and the pages themselves are kept in test-artifacts/ for people
 * (CI uploads that directory).
 */

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts", import.meta.url));

function expectQuiet(log: PageLog, url: string): void {
  expect(log.requests.filter((r) => r !== url)).toEqual([]);
  expect(log.consoleMessages).toEqual([]);
  expect(log.pageErrors).toEqual([]);
  expect(log.dialogs).toEqual([]);
}

/** The first column's sort keys (module names, lower case), in the order the rows are shown. */
const rowKeys = (page: Page) =>
  page.$$eval("#modules tbody tr", (rows) =>
    rows.map((r) => (r as HTMLTableRowElement).cells[0]!.getAttribute("data-sort") ?? ""),
  );
const visibleRowKeys = (page: Page) =>
  page.$$eval("#modules tbody tr", (rows) =>
    rows
      .filter((r) => !(r as HTMLTableRowElement).hidden)
      .map((r) => (r as HTMLTableRowElement).cells[0]!.getAttribute("data-sort") ?? ""),
  );

/** Boxes of the picture by their label, with every edge between them. */
async function pictureOf(page: Page) {
  return page.$eval("#picture", (svg) => {
    const label = (id: string | null) => (id ? (svg.querySelector(`[id="${id}"] text.name`)?.textContent ?? "") : "");
    const nodes = [...svg.querySelectorAll(".node")].map((g) => {
      const r = (g.querySelector("rect") as SVGGraphicsElement).getBBox();
      return {
        name: g.querySelector("text.name")!.textContent ?? "",
        classes: g.getAttribute("class") ?? "",
        box: { x: r.x, y: r.y, width: r.width, height: r.height },
      };
    });
    const edges = [...svg.querySelectorAll(".edge")].map((g) => ({
      from: label(g.getAttribute("data-from")),
      to: label(g.getAttribute("data-to")),
      classes: g.getAttribute("class") ?? "",
      length: (g.querySelector("path") as SVGPathElement).getTotalLength(),
    }));
    const box = svg.getBoundingClientRect();
    return { nodes, edges, width: box.width, height: box.height };
  });
}

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("the picture's layered layout", () => {
  const box = (id: string): LayoutNode => ({ id, width: 100, height: 40 });

  it("puts providers right of importers and routes a long edge through a bend per layer", () => {
    const l = layeredLayout(
      [box("a"), box("b"), box("c"), box("lonely")],
      [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "a", to: "c" },
      ],
    );
    const x = (id: string) => l.nodes.get(id)!.x;
    expect(x("a")).toBeLessThan(x("b"));
    expect(x("b")).toBeLessThan(x("c"));
    expect(x("lonely")).toBe(x("a")); // no edges: first layer
    expect(l.edges.map((e) => e.length)).toEqual([2, 2, 3]);
    expect(l.edges[0]![0]!.x).toBe(x("a") + 100); // leaves from the right side…
    expect(l.edges[0]![1]!.x).toBe(x("b")); // …and arrives on the left
  });

  it("lays out cycles and duplicate edges without losing an edge or stacking boxes", () => {
    const nodes = ["a", "b", "c", "d", "e"].map(box);
    const edges = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
      { from: "c", to: "a" },
      { from: "c", to: "d" },
      { from: "d", to: "c" },
      { from: "a", to: "b" },
      { from: "e", to: "d" },
    ];
    const l = layeredLayout(nodes, edges);
    expect(l.edges).toHaveLength(edges.length);
    for (const e of l.edges) expect(e.length).toBeGreaterThanOrEqual(2);
    const boxes = nodes.map((n) => ({ ...l.nodes.get(n.id)!, width: n.width, height: n.height }));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
    for (const b of boxes) {
      expect(b.x + b.width).toBeLessThanOrEqual(l.width);
      expect(b.y + b.height).toBeLessThanOrEqual(l.height);
      expect(Math.min(b.x, b.y)).toBeGreaterThanOrEqual(0);
    }
    expect(layeredLayout(nodes, edges)).toEqual(l); // the same input gives the same picture
  });
});

describe("the HTML report in headless Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe("of the samples, written by the CLI", () => {
    const file = join(ARTIFACTS, "html-report-samples.html");
    let page: Page;
    let url: string;
    let log: PageLog;

    beforeAll(async () => {
      const run = runCli(["scan", SAMPLES, "--format", "html", "--output", file]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(1); // findings at error level, as with every other format
      ({ page, url, log } = await openFile(browser, file));
    });

    it("is one self-contained file whose policy forbids the network", () => {
      const html = readFileSync(file, "utf8");
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
      expect(csp).toMatch(
        /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; script-src 'sha256-[A-Za-z0-9+/]+=*'/,
      );
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html.match(/<style/g)).toHaveLength(1);
      // No reference leaves the page: every href is a fragment, nothing has a src, nothing is @imported.
      expect([...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1]).filter((h) => !h!.startsWith("#"))).toEqual([]);
      expect(html).not.toMatch(/\bsrc=|@import|url\((?!#)/);
    });

    it("goes to stdout without --output", () => {
      const run = runCli(["scan", SAMPLES, "--format", "html"]);
      expect(run.stdout.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(run.stdout).toBe(readFileSync(file, "utf8")); // and the same scan gives the same bytes
    });

    it("loads without a request, a console message or an error", async () => {
      expect(await page.title()).toMatch(/^kmodaudit report: 24 modules, 17 findings$/);
      expectQuiet(log, url);
    });

    it("shows the summary, the kernel table and every module with findings", async () => {
      const counts = await page.$$eval("#counts li", (lis) =>
        Object.fromEntries(
          lis.map((li) => [li.getAttribute("data-count"), Number(li.querySelector("b")!.textContent)]),
        ),
      );
      expect(counts).toEqual({ files: 59, modules: 23, blobs: 1, skipped: 35, errors: 0, findings: 17 });
      expect(await page.$$eval("#rules tbody tr", (rows) => rows.length)).toBe(13);
      expect(await page.textContent("#tables")).toMatch(
        /symvers-6\.1\.0-56-amd64\.gz \(symvers, found beside the scan\)/,
      );
      expect((await rowKeys(page)).sort()).toEqual(
        [
          "depends_edited",
          "dyn_lookup",
          "gpl_shim",
          "gpl_taint_info",
          "gpl_taint_user",
          "no_license",
          "ns_missing_import",
          "nul_trick",
          "proprietary_gpl_use",
          "tags_disagree",
          "vendor_blob",
          "vendor_glue",
          "vmk_vendor_driver",
          "wl_glue",
        ].sort(),
      );
      expect(await page.textContent("#errors-section")).toMatch(/None: every file the scan reached was read/);
    });

    it("sorts the module table when a header is clicked", async () => {
      const before = await rowKeys(page);
      const byName = [...before].sort();
      expect(before).not.toEqual(byName); // rows start in path order, which is not name order here

      await page.click("#modules thead button:text-is('Module')");
      expect(await rowKeys(page)).toEqual(byName);
      expect(await page.getAttribute("#modules thead th:nth-child(1)", "aria-sort")).toBe("ascending");
      await page.click("#modules thead button:text-is('Module')");
      expect(await rowKeys(page)).toEqual([...byName].reverse());

      await page.click("#modules thead button:text-is('Findings')");
      const counts = await page.$$eval("#modules tbody tr", (rows) =>
        rows.map((r) => Number((r as HTMLTableRowElement).cells[4]!.getAttribute("data-sort"))),
      );
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(counts[0]).toBe(2);
    });

    it("filters the table by rule, severity and name", async () => {
      await page.selectOption("#filter-rule", "gpl-shim-reexport");
      expect(await visibleRowKeys(page)).toEqual(["gpl_shim"]);
      await page.selectOption("#filter-rule", "");
      await page.selectOption("#filter-severity", "2");
      expect((await visibleRowKeys(page)).sort()).toEqual([
        "dyn_lookup",
        "gpl_taint_user",
        "no_license",
        "ns_missing_import",
        "proprietary_gpl_use",
        "tags_disagree",
        "vendor_glue",
        "vmk_vendor_driver",
        "wl_glue",
      ]);
      await page.selectOption("#filter-severity", "-1");
      await page.fill("#filter-text", "taint/");
      expect((await visibleRowKeys(page)).sort()).toEqual(["gpl_taint_info", "gpl_taint_user"]);
      expect(await page.textContent("#filter-count")).toBe("2 of 14 shown");
      expect(await page.isHidden("#show-all")).toBe(true); // 14 rows: nothing held back
      await page.fill("#filter-text", "");
    });

    it("draws the dependency picture: GPL-only edges red, the shim chain through", async () => {
      const p = await pictureOf(page);
      expect(p.width).toBeGreaterThan(400);
      expect(p.height).toBeGreaterThan(300);
      for (const e of p.edges) expect(e.length).toBeGreaterThan(20);
      // Boxes never cover one another.
      for (let i = 0; i < p.nodes.length; i++)
        for (let j = i + 1; j < p.nodes.length; j++)
          expect(overlap(p.nodes[i]!.box, p.nodes[j]!.box), `${p.nodes[i]!.name} / ${p.nodes[j]!.name}`).toBe(false);

      const edge = (from: string, to: string) => p.edges.find((e) => e.from === from && e.to === to)?.classes;
      expect(edge("proprietary_gpl_use", "vmlinux")).toBe("edge gpl-only violation");
      expect(edge("vendor_blob", "vmlinux")).toBe("edge gpl-only violation");
      // The shim chain: proprietary user → shim (its exports) → vmlinux (the GPL-only symbols they reach).
      expect(edge("proprietary_shim_user", "gpl_shim")).toBe("edge shim");
      expect(edge("gpl_shim", "vmlinux")).toBe("edge gpl-only violation");
      expect(edge("gpl_taint_user", "proprietary_lib")).toBe("edge proprietary");
      expect(edge("vmk_vendor_driver", "vmk_gpl_lib")).toBe("edge gpl-only violation");
      // A GPL module's GPL-only use is marked, but not as a violation.
      expect(edge("gpl_taint_user", "vmlinux")).toBe("edge gpl-only");

      const node = (name: string) => p.nodes.find((n) => n.name === name)?.classes;
      expect(node("proprietary_gpl_use")).toBe("node module sev-error nongpl");
      expect(node("proprietary_shim_user")).toBe("node module no-findings nongpl");
      expect(node("vmlinux")).toBe("node kernel no-findings");
      expect(node("cfg80211")).toBe("node unscanned no-findings");

      // Providers sit right of their importers; the chain reads left to right.
      const x = (name: string) => p.nodes.find((n) => n.name === name)!.box.x;
      expect(x("proprietary_shim_user")).toBeLessThan(x("gpl_shim"));
      expect(x("gpl_shim")).toBeLessThan(x("vmlinux"));
      expect(await page.textContent("#picture-note")).toMatch(/14 of the 14 modules with findings/);
    });

    it("highlights a box's edges under the pointer and links it to its table row", async () => {
      await page.hover("#picture .node:has(text.name:text-is('gpl_shim'))");
      expect(await page.$$eval("#picture .edge.hl", (es) => es.length)).toBe(2);
      expect(await page.getAttribute(".picture", "class")).toBe("picture focus");
      await page.click("#picture .node:has(text.name:text-is('gpl_shim'))");
      expect(new URL(page.url()).hash).toMatch(/^#m-\d+$/);
      expect(await page.$eval(":target", (el) => el.querySelector("strong")?.textContent)).toBe("gpl_shim");
      expectQuiet(log, url);
    });

    it("leaves screenshots for people to look at", async () => {
      await page.mouse.move(0, 0);
      await page.goto(url);
      await page.screenshot({ path: join(ARTIFACTS, "html-report-samples.png"), fullPage: true });
      await page.locator("#picture-section").screenshot({ path: join(ARTIFACTS, "html-report-samples-picture.png") });
      expect(statSync(join(ARTIFACTS, "html-report-samples.png")).size).toBeGreaterThan(50_000);
    });
  });

  describe("of hostile strings", () => {
    const HOSTILE = [
      "<script>alert(1)</script>",
      '"><img src=x onerror=alert(2)>',
      "'><svg onload=alert(3)>",
      "</svg></table></td><script>alert(4)</script>",
      "&lt;not-an-entity&gt; &amp;",
      "\u202eevil\u202c name",
      "esc\u001b[31mred\u0000nul\u0085",
      "<!-- ]]> <![CDATA[",
      "x".repeat(300),
    ];
    const file = join(ARTIFACTS, "html-report-hostile.html");
    let result: ScanResult;
    let page: Page;
    let url: string;
    let log: PageLog;

    /** Puts a hostile string into every place a binary controls, keeping paths (the graph's keys) intact. */
    function poison(m: AuditedModule, s: string): void {
      m.name = s;
      m.facts = { ...m.facts, licenses: [s, ...m.facts.licenses] };
      m.findings = m.findings.map((f) => ({
        ...f,
        message: `${s} ${f.message}`,
        symbols: [...f.symbols, s],
        chain: f.chain.length ? [...f.chain, s] : [],
      }));
    }

    beforeAll(async () => {
      result = await scan([SAMPLES]);
      const withFindings = result.modules.filter((m) => m.findings.length > 0);
      HOSTILE.forEach((s, i) => poison(withFindings[i % withFindings.length]!, s));
      // A provider a table names, as the picture labels it.
      for (const [key] of result.graph.names) if (key.startsWith("table:")) result.graph.names.set(key, HOSTILE[0]!);
      result.errors.push({ path: HOSTILE[1]!, message: HOSTILE[3]!, structure: HOSTILE[2]!, offset: 7 });
      result.skipped.push({ path: HOSTILE[5]!, reason: HOSTILE[0]! });
      result.kernel.sources.unshift({ kind: "symvers", file: HOSTILE[3]!, origin: "explicit" });
      result.kernel.release = HOSTILE[4]!;
      writeFileSync(file, renderHtml(result));
      ({ page, url, log } = await openFile(browser, file));
    });

    it("runs none of them: one script, no images, no handlers, no request", async () => {
      expectQuiet(log, url);
      expect(await page.$$eval("script", (s) => s.length)).toBe(1);
      expect(await page.$$eval("img, iframe, object, embed, link", (e) => e.length)).toBe(0);
      expect(await page.$$eval("svg svg", (e) => e.length)).toBe(0);
      expect(
        await page.$$eval(
          "*",
          (els) => els.filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length,
        ),
      ).toBe(0);
      // The structure survived: the page has all its sections, the table all its rows.
      expect(await page.$$eval("section", (s) => s.map((x) => x.id))).toEqual([
        "summary",
        "errors-section",
        "picture-section",
        "modules-section",
      ]);
      expect(await page.$$eval("#modules tbody tr", (r) => r.length)).toBe(14);
    });

    it("shows each one as text, with invisible characters made visible", async () => {
      const names = await page.$$eval("#modules tbody tr td:first-child strong", (s) => s.map((x) => x.textContent));
      for (const s of HOSTILE.slice(0, 5)) expect(names).toContain(s);
      expect(names).toContain("\\u202eevil\\u202c name");
      expect(names).toContain("esc\\x1b[31mred\\x00nul\\x85");
      expect(names).toContain("<!-- ]]> <![CDATA[");
      const errors = await page.textContent("#errors");
      expect(errors).toContain(HOSTILE[1]);
      expect(errors).toContain(HOSTILE[3]);
      expect(await page.textContent("#tables")).toContain(HOSTILE[3]);
      // The picture labels them too, shortened to fit the box with the whole string in its tooltip.
      const labels = await page.$$eval("#picture .node text.name", (t) => t.map((x) => x.textContent));
      expect(labels).toContain(HOSTILE[0]);
      expect(labels).toContain(`${"x".repeat(35)}…`);
      const titles = await page.$$eval("#picture .node > title", (t) => t.map((x) => x.textContent ?? ""));
      expect(titles.some((t) => t.startsWith("x".repeat(300)))).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, "html-report-hostile.png"), fullPage: true });
    });
  });

  describe.skipIf(skipCorpus)("of a 4,000-module tree", () => {
    const file = join(ARTIFACTS, "html-report-corpus.html");
    let result: ScanResult;

    // biome-ignore lint/suspicious/noDuplicateTestHooks: describe.skipIf's block is a scope of its own
    beforeAll(async () => {
      // Debian's 6.1 modules against the 6.12 kernel's table: every module has findings.
      const tree = corpusSet("amd64");
      const newer = corpusSet("amd64xz");
      result = await scan([tree.modules], { symvers: [newer.symvers] });
      writeFileSync(file, renderHtml(result));
    });

    it("renders to a size a browser opens without trouble", async () => {
      expect(result.modules.length).toBeGreaterThan(4000);
      expect(result.modules.every((m) => m.findings.length > 0)).toBe(true);
      expect(statSync(file).size).toBeLessThan(16 * 1024 * 1024);

      const n = result.modules.length;
      const { page, url, log } = await openFile(browser, file);
      expect(await page.$$eval("#modules tbody tr", (r) => r.length)).toBe(n);
      // Only the first rows are laid out, so that sorting thousands stays quick; the sort orders them all.
      expect(await page.textContent("#filter-count")).toBe(`first 500 of ${n} matching`);
      await page.click("#modules thead button:text-is('GPL-only imports')");
      const counts = await page.$$eval("#modules tbody tr", (rows) =>
        rows.map((r) => Number((r as HTMLTableRowElement).cells[3]!.getAttribute("data-sort"))),
      );
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      const shown = await page.$$eval("#modules tbody tr", (rows) =>
        rows.map((r) => !(r as HTMLTableRowElement).hidden),
      );
      expect(shown).toEqual(shown.map((_, i) => i < 500));
      await page.locator("#picture-section").screenshot({ path: join(ARTIFACTS, "html-report-corpus-picture.png") });

      // A box links to its row even when that row is past the first 500.
      const target = await page.$$eval("#picture a", (links) =>
        links
          .map((a) => a.getAttribute("href")!)
          .find((href) => (document.getElementById(href.slice(1)) as HTMLTableRowElement).hidden),
      );
      expect(target).toBeDefined();
      await page.click(`#picture a[href="${target}"]`);
      expect(await page.$eval(target!, (row) => (row as HTMLTableRowElement).hidden)).toBe(false);
      await page.click("#show-all");
      expect(await visibleRowKeys(page)).toHaveLength(n);
      expect(await page.textContent("#filter-count")).toBe(`${n} of ${n} shown`);

      // The picture draws only the most serious modules and their providers, and says so.
      const p = await pictureOf(page);
      expect(p.nodes.length).toBeGreaterThan(20);
      expect(p.nodes.length).toBeLessThan(150);
      expect(p.edges.some((e) => e.classes.startsWith("edge gpl-only"))).toBe(true);
      expect(await page.textContent("#picture-note")).toMatch(
        new RegExp(
          `Left out: ${result.modules.length - p.nodes.filter((n) => !n.classes.includes("no-findings")).length} modules with findings`,
        ),
      );
      expectQuiet(log, url);
    });
  });
});
