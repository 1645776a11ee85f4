import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SAMPLES = join(REPO, "samples");
const SYMVERS_GZ = join(SAMPLES, "symvers-6.1.0-56-amd64.gz");
const HOSTILE = join(REPO, "test/hostile/files");
const TABLE_SYMVERS = "0x1\t_printk\tvmlinux\tEXPORT_SYMBOL\n0x2\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\n";

/** HTML as GitHub renders a comment: cmark-gfm, GitHub's own CommonMark, with its table and autolink extensions and raw HTML allowed. */
function render(markdown: string): string {
  const r = spawnSync("cmark-gfm", ["--unsafe", "-e", "table", "-e", "autolink", "-e", "tagfilter"], {
    input: markdown,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** The cells of each body row of the rendered findings table. */
function bodyRows(html: string): string[][] {
  const body = html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!),
  );
}

const markdown = (args: string[]) => runCli(["scan", ...args, "--format", "markdown"]);

function tree(modules: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-md-"));
  writeFileSync(join(dir, "Module.symvers"), TABLE_SYMVERS);
  for (const [name, bytes] of Object.entries(modules)) writeFileSync(join(dir, name), bytes);
  return dir;
}

describe("Markdown for the samples scan", () => {
  let md: string;
  let html: string;
  beforeAll(() => {
    md = markdown([SAMPLES]).stdout;
    html = render(md);
  });

  it("opens with a headline that counts the findings and gives the verdict of --fail-on", () => {
    expect(md.split("\n")[0]).toBe(
      "### kmodaudit: 17 findings in 14 modules (9 errors, 7 warnings, 1 info) — fails --fail-on error",
    );
  });

  it("says what was scanned and against which kernel table", () => {
    expect(md).toContain(
      `59 files: 23 modules, 1 blob, 35 skipped, 0 unreadable. Kernel export table: \`${SYMVERS_GZ}\` (24693 exports known).`,
    );
  });

  it("renders one table row per finding, five cells each, the module named on its first row", () => {
    const rows = bodyRows(html);
    expect(rows).toHaveLength(17);
    for (const r of rows) expect(r).toHaveLength(5);
    const dyn = rows.findIndex((r) => r[0]!.includes("<code>dyn_lookup</code>"));
    expect(rows[dyn]![0]).toBe("<code>dyn_lookup</code><br><code>dynamic/dyn_lookup.ko</code>");
    expect(rows[dyn]!.slice(1, 4)).toEqual([
      "<strong>error</strong>",
      '<a href="https://github.com/kmodaudit/kmodaudit/blob/main/docs/rules.md#gpl-only-symbol-use">gpl-only-symbol-use</a>',
      "<code>__symbol_get</code>, <code>register_kprobe</code>, <code>unregister_kprobe</code>",
    ]);
    expect(rows[dyn + 1]![0]).toBe("");
    expect(rows[dyn + 1]![2]).toContain(">dynamic-symbol-lookup</a>");
  });

  it("lists modules with errors first, then warnings, then info, so a report cut to size keeps what fails", () => {
    const worst = bodyRows(html)
      .filter((r) => r[0] !== "")
      .map((r) => r[1]);
    expect(worst.slice(0, 9).every((s) => s === "<strong>error</strong>")).toBe(true);
    expect(worst.slice(9)).toEqual(["warning", "warning", "warning", "warning", "info"]);
  });

  it("truncates a long symbol list, saying how many more there are", () => {
    const wl = bodyRows(html).find((r) => r[0]!.includes("<code>wl_glue</code>"))!;
    expect(wl[3]!.match(/<code>/g)).toHaveLength(8);
    expect(wl[3]).toMatch(/ and 27 more$/);
  });

  it("is the same on a second run", () => {
    expect(markdown([SAMPLES]).stdout).toBe(md);
  });
});

describe("Markdown escaping of strings from binaries", () => {
  it("pipes in names, symbols and licenses stay inside their cell", () => {
    const dir = tree({
      "pipe|file.ko": miniModule(
        64,
        "little",
        ["license=Prop|rietary", "name=mod|name"],
        ["_printk", "debugfs_create_dir", "sym|bol"],
      ).bytes,
    });
    const rows = bodyRows(render(markdown([dir]).stdout));
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toHaveLength(5);
    expect(rows[0]![0]).toBe("<code>mod|name</code><br><code>pipe|file.ko</code>");
    expect(rows[0]![4]).toContain("license &quot;Prop|rietary&quot; is not GPL-compatible");
    expect(rows[1]![3]).toBe("<code>sym|bol</code>");
  });

  it("Markdown, HTML and links are shown, never rendered", () => {
    const evil = "<img src=x onerror=alert(1)>**bold** [link](https://evil.example) `tick` www.evil.example";
    const dir = tree({
      "x.ko": miniModule(64, "little", [`license=${evil}`, `name=${evil}`], ["_printk", "debugfs_create_dir"]).bytes,
    });
    const html = render(markdown([dir]).stdout);
    expect(html).not.toMatch(/<img|<a href="[^"]*evil|<strong>bold/);
    const [row] = bodyRows(html);
    const shown = "&lt;img src=x onerror=alert(1)&gt;**bold** [link](https://evil.example) `tick` www.evil.example";
    expect(row![0]).toContain(`<code>${shown}</code>`);
    expect(row![4]).toContain(`license &quot;${shown}&quot;`);
  });

  it("@mentions and #references from binaries cannot notify anyone or link an issue", () => {
    const dir = tree({
      "x.ko": miniModule(64, "little", ["license=Proprietary by @octocat see #1"], ["_printk", "debugfs_create_dir"])
        .bytes,
    });
    const [row] = bodyRows(render(markdown([dir]).stdout));
    // GitHub links mentions and issue numbers only in text, never inside code.
    expect(row![4]).toContain("Proprietary by <code>@</code>octocat see <code>#</code>1");
  });

  it("control characters are made visible, as in the table format", () => {
    const dir = tree({
      "x.ko": miniModule(64, "little", ["license=GPL\x1b[31m\x07", "name=ev\x01il"], ["_printk"]).bytes,
    });
    const md = markdown([dir]).stdout;
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(bodyRows(render(md))[0]![0]).toContain("<code>ev\\x01il</code>");
  });

  it("a huge string from a binary is cut short in its cell", () => {
    const long = `s${"y".repeat(60_000)}`;
    const dir = tree({ "x.ko": miniModule(64, "little", ["license=GPL"], ["_printk", long]).bytes });
    const md = markdown([dir]).stdout;
    expect(md.length).toBeLessThan(2_000);
    expect(bodyRows(render(md))[0]![3]).toMatch(/^<code>sy+…<\/code>$/);
  });
});

describe("Markdown size and verdicts", () => {
  it("stays under GitHub's comment limit however many findings, counting the rows it leaves out", () => {
    const dir = tree({});
    for (let i = 0; i < 400; i++)
      copyFileSync(join(SAMPLES, "proprietary_gpl_use.ko"), join(dir, `m${String(i).padStart(3, "0")}.ko`));
    const md = markdown(["--symvers", SYMVERS_GZ, dir]).stdout;
    expect(md.length).toBeLessThanOrEqual(60_000);
    const shown = bodyRows(render(md)).length;
    expect(shown).toBeGreaterThan(50);
    expect(md).toContain(`*${400 - shown} more findings not shown: the full list is in the JSON or SARIF report.*`);
    expect(md.split("\n")[0]).toBe("### kmodaudit: 400 findings in 400 modules (400 errors) — fails --fail-on error");
  });

  it("lists unreadable files and calls the audit incomplete", () => {
    const r = markdown([HOSTILE]);
    expect(r.status).toBe(2);
    expect(r.stdout.split("\n")[0]).toMatch(/ — audit incomplete$/);
    const html = render(r.stdout);
    expect(html).toContain("<h4>Files that could not be read</h4>");
    expect(html).toContain(
      "<td><code>bad-class.ko</code></td>\n<td>ELF identification: invalid EI_CLASS 7 (at offset 4)</td>",
    );
  });

  it("a clean scan says so and passes", () => {
    const dir = tree({ "ok.ko": miniModule(64, "little", ["license=GPL"], ["_printk", "debugfs_create_dir"]).bytes });
    const r = markdown([dir]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("### kmodaudit: no findings — passes");
    expect(r.stdout).not.toContain("| Module |");
  });

  it("the verdict follows --fail-on", () => {
    const dir = tree({ "w.ko": miniModule(64, "little", ["license=GPLv2"], ["_printk"]).bytes });
    expect(markdown([dir]).stdout.split("\n")[0]).toBe("### kmodaudit: 1 finding in 1 module (1 warning) — passes");
    expect(markdown([dir, "--fail-on", "warning"]).stdout.split("\n")[0]).toBe(
      "### kmodaudit: 1 finding in 1 module (1 warning) — fails --fail-on warning",
    );
  });
});
