import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/cli/exit-code.js";
import {
  auditIncomplete,
  decodeExportDatabase,
  decodeExportDatabaseHeader,
  EXPORT_DATABASE_FILE,
  loadExportDatabase,
  mergeTables,
  parseSystemMap,
  scan,
} from "../../src/index.js";
import { runCli, runCliJson } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const SAMPLES_SYMVERS = join(SAMPLES, "symvers-6.1.0-56-amd64.gz");
/** The kernel the samples were built for, as their vermagic names it. */
const SAMPLE_RELEASE = /vermagic=(\S+) /.exec(readFileSync(join(SAMPLES, "proprietary_gpl_use.ko"), "latin1"))![1]!;
const SYMVERS = "0x1\t_printk\tvmlinux\tEXPORT_SYMBOL\n0x2\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\n";

function fixture(files: Record<string, Buffer | string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-notjudged-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A GPL module that imports _printk and debugfs_create_dir from the kernel, built for `release` when given. */
const gplModule = (release?: string) =>
  miniModule(64, "little", ["license=GPL", ...(release ? [`vermagic=${release} SMP mod_unload`] : [])]).bytes;

/** The "kmodaudit: …" lines on stderr. */
const stderrLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("kmodaudit: "));

describe("a path from which not one module or blob was audited", () => {
  it("an empty directory: exit 2, said on stderr, in the table and in the JSON", () => {
    const dir = fixture();
    const table = runCli(["scan", dir, "--symvers", fixture({ "Module.symvers": SYMVERS }) + "/Module.symvers"]);
    expect(table.status).toBe(2);
    expect(stderrLines(table.stderr)).toEqual([`kmodaudit: ${dir}: no files in it; nothing was audited`]);
    expect(table.stdout).toContain(`not judged ${dir}: no files in it; nothing was audited`);
    const { json } = runCliJson(["scan", dir]);
    expect(json.notJudged).toEqual([
      { code: "nothing-to-audit", path: dir, message: "no files in it; nothing was audited" },
    ]);
  });

  it("a directory of files that are not modules: how many, and one of them with its skip reason", () => {
    const dir = fixture({ README: "hello\n", "docs/notes.txt": "more text\n" });
    const r = runCliJson(["scan", dir]);
    expect(r.status).toBe(2);
    expect(r.json.summary).toMatchObject({ files: 2, modules: 0, skipped: 2, errors: 0 });
    expect(r.json.notJudged).toEqual([
      {
        code: "nothing-to-audit",
        path: dir,
        message: expect.stringMatching(
          /^no module or blob among its 2 files, all skipped \(e\.g\. README: not ELF .*\); nothing was audited$/,
        ),
      },
    ]);
  });

  it("a file named on the command line that is not a module: its skip reason, not only in the JSON's skipped list", () => {
    const file = join(fixture({ "notes.txt": "hello\n" }), "notes.txt");
    const r = runCli(["scan", file]);
    expect(r.status).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^kmodaudit: ${file}: not a module or blob: not ELF .*; nothing was audited$`)),
    ]);
    expect(runCliJson(["scan", file]).json.notJudged).toEqual([
      { code: "not-a-module", path: file, message: expect.stringMatching(/^not a module or blob: not ELF/) },
    ]);
  });

  it("an archive that holds no module: counted by its members", () => {
    const src = fixture({ "a.txt": "a\n", "b.txt": "b\n" });
    const tar = join(fixture(), "docs.tar");
    execFileSync("tar", ["-cf", tar, "-C", src, "a.txt", "b.txt"]);
    const r = runCliJson(["scan", tar]);
    expect(r.status).toBe(2);
    expect(r.json.notJudged).toEqual([
      {
        code: "nothing-to-audit",
        path: tar,
        message: expect.stringMatching(/^no module or blob among its 2 archive members, all skipped/),
      },
    ]);
  });

  it("of several paths, only the one that held nothing is named (however it is spelt)", () => {
    const modules = fixture({ "Module.symvers": SYMVERS, "m.ko": gplModule() });
    const empty = fixture({ "x.txt": "x\n" });
    const r = runCliJson(["scan", `${modules}/`, `${empty}/`]);
    expect(r.json.modules.map((m: { path: string }) => m.path)).toEqual([`${modules}/m.ko`]);
    expect(r.json.notJudged).toEqual([
      { code: "nothing-to-audit", path: `${empty}/`, message: expect.stringContaining("among its 1 file,") },
    ]);
    expect(r.status).toBe(2);
    expect(runCli(["scan", modules]).status).toBe(0);
  });

  it("a directory whose only module cannot be read: its error says so, with no second notice", () => {
    const dir = fixture({ "Module.symvers": SYMVERS, "cut.ko": gplModule().subarray(0, 100) });
    const r = runCliJson(["scan", dir]);
    expect(r.status).toBe(2);
    expect(r.json.errors).toHaveLength(1);
    expect(r.json.notJudged).toEqual([]);
  });
});

describe("a kernel table that yields no exports", () => {
  it("an empty --symvers: exit 2, GPL-only exports not known, and no advice to pass the --symvers that was passed", () => {
    const dir = fixture({ "m.ko": miniModule(64, "little", ["license=Proprietary"]).bytes });
    const symvers = join(fixture({ "Module.symvers": "" }), "Module.symvers");
    const r = runCliJson(["scan", dir, "--symvers", symvers]);
    expect(r.status).toBe(2);
    expect(r.json.kernel).toMatchObject({ exports: 1, gplOnlyKnown: false });
    expect(r.json.notJudged).toEqual([
      {
        code: "empty-table",
        path: symvers,
        message: "this export table lists no exports; nothing was judged against it",
      },
    ]);
    const table = runCli(["scan", dir, "--symvers", symvers]);
    expect(table.stdout).toContain(`not judged ${symvers}: this export table lists no exports`);
    expect(table.stdout + table.stderr).not.toContain("pass --symvers");
  });

  it("kallsyms whose addresses kptr_restrict zeroed: no exports, GPL-only not known, and why", () => {
    // As root reads it: the plain range, then the GPL-only one, each holding one label.
    const addresses: [string, number][] = [
      ["__start___ksymtab", 0x1000],
      ["__ksymtab__printk", 0x1000],
      ["__stop___ksymtab", 0x1010],
      ["__start___ksymtab_gpl", 0x1010],
      ["__ksymtab_debugfs_create_dir", 0x1010],
      ["__stop___ksymtab_gpl", 0x1020],
    ];
    const kallsyms = (hide: boolean) =>
      addresses.map(([s, a]) => `${(hide ? 0 : a).toString(16).padStart(16, "0")} r ${s}`).join("\n") + "\n";
    expect(parseSystemMap(kallsyms(false), "kallsyms").exports.map((e) => [e.symbol, e.gplOnly])).toEqual([
      ["_printk", false],
      ["debugfs_create_dir", true],
    ]);
    const zeroed = kallsyms(true);
    const table = parseSystemMap(zeroed, "kallsyms");
    expect(table.exports).toEqual([]);
    expect(table.emptyBecause).toMatch(/kptr_restrict/);
    expect(
      mergeTables([{ source: { kind: "system-map", file: "kallsyms", origin: "explicit" }, table }]).gplOnlyKnown,
    ).toBe(false);

    const file = join(fixture({ kallsyms: zeroed }), "kallsyms");
    const r = runCliJson(["scan", join(SAMPLES, "proprietary_gpl_use.ko"), "--system-map", file]);
    expect(r.status).toBe(2);
    expect(r.json.kernel).toMatchObject({ exports: 0, gplOnlyKnown: false });
    expect(r.json.notJudged).toEqual([
      {
        code: "empty-table",
        path: file,
        message: expect.stringMatching(
          /^every address in it is 0, as kernel\.kptr_restrict .*; nothing was judged against it$/,
        ),
      },
    ]);
  });

  it("a three-column Module.symvers (before Linux 2.6.18): exports without export types", () => {
    const dir = fixture({ "m.ko": gplModule() });
    const symvers = join(
      fixture({ "Module.symvers": "0x1\t_printk\tvmlinux\n0x2\tdebugfs_create_dir\tvmlinux\n" }),
      "Module.symvers",
    );
    const r = runCliJson(["scan", dir, "--symvers", symvers]);
    expect(r.status).toBe(2);
    expect(r.json.kernel.gplOnlyKnown).toBe(false);
    expect(r.json.notJudged).toEqual([
      {
        code: "table-without-export-types",
        path: symvers,
        message: expect.stringMatching(/^2 exports without an export type .*GPL-only is unknown/),
      },
    ]);
  });
});

describe("modules that import the kernel's exports, with no kernel table to judge them against", () => {
  it("no table given or found and no vermagic: exit 2, naming how many modules import what", () => {
    const dir = fixture({ "m.ko": gplModule() });
    const r = runCliJson(["scan", dir]);
    expect(r.status).toBe(2);
    expect(r.json.notJudged).toEqual([
      {
        code: "no-kernel-table",
        message: expect.stringMatching(
          /^no kernel export table: 1 module import 2 symbols no scanned module exports \(_printk, debugfs_create_dir\), .*\(1 object names no kernel release \(no vermagic\) to choose one by\); pass --symvers FILE/,
        ),
      },
    ]);
  });

  it("built for a kernel the embedded database cannot stand in for: names that release", () => {
    const dir = fixture({ "m.ko": gplModule("4.19.0-27-amd64") });
    const r = runCliJson(["scan", dir]);
    expect(r.status).toBe(2);
    expect(r.json.notJudged[0].message).toContain(
      "(the embedded database of Debian kernels has none to stand in for 4.19.0-27-amd64)",
    );
    expect(runCliJson(["scan", dir, "--no-embedded"]).json.notJudged[0].message).toContain(
      "(the embedded database was turned off with --no-embedded)",
    );
  });

  it("judged against the embedded database, but one module's kernel is not in it: that one is named", async () => {
    const dir = fixture({ "a.ko": gplModule(SAMPLE_RELEASE), "b.ko": gplModule("4.19.0-27-amd64") });
    const r = await scan([dir], { threads: 1, exportDatabase: await loadExportDatabase() });
    expect(r.kernel.sources.map((s) => s.kind)).toContain("embedded");
    expect(r.notJudged).toEqual([
      {
        code: "no-kernel-table",
        message: expect.stringMatching(
          /^no kernel export table: 1 module import 2 symbols .*none to stand in for 4\.19\.0-27-amd64\)/,
        ),
      },
    ]);
    expect(auditIncomplete(r)).toBe(true);
    expect(exitCodeFor(r, "none")).toBe(2);
  });

  it("a module that imports nothing from the kernel needs no table: exit 0", () => {
    const dir = fixture({ "m.ko": miniModule(64, "little", ["license=GPL"], []).bytes });
    const r = runCliJson(["scan", dir, "--no-embedded"]);
    expect(r.json.notJudged).toEqual([]);
    expect(r.status).toBe(0);
  });

  it("VMkernel modules import from the VMkernel, which no Linux table describes: no notice", async () => {
    const r = await scan([join(SAMPLES, "vmkernel")], { threads: 1, embedded: false });
    const objects = readdirSync(join(SAMPLES, "vmkernel")).filter((f) => f.endsWith(".o"));
    expect(r.modules.map((m) => [m.path, m.facts.dialect]).sort()).toEqual(objects.sort().map((f) => [f, "vmkernel"]));
    expect(r.notJudged).toEqual([]);
  });
});

describe("every format says what was not judged, and stderr too", () => {
  const dir = fixture({ "m.ko": gplModule() });
  const symvers = join(fixture({ "Module.symvers": "" }), "Module.symvers");
  const run = (format: string) => runCli(["scan", dir, "--symvers", symvers, "--format", format]);
  const notice = `${symvers}: this export table lists no exports; nothing was judged against it`;

  it.each(["table", "json", "sarif", "junit", "markdown", "html"])("%s: exit 2 and one stderr line", (format) => {
    const r = run(format);
    expect(r.status).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([`kmodaudit: ${notice}`]);
  });

  it("SARIF: an error notification at the table, and the execution unsuccessful", () => {
    const invocation = JSON.parse(run("sarif").stdout).runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toContainEqual({
      level: "error",
      message: { text: notice },
      locations: [{ physicalLocation: { artifactLocation: { uri: `file://${symvers}` } } }],
      descriptor: { id: "not-judged", index: 2 },
      properties: { code: "empty-table" },
    });
    const warning = invocation.toolExecutionNotifications.find((n: { level: string }) => n.level === "warning");
    expect(warning.message.text).not.toContain("Pass --symvers");
  });

  it("JUnit: an error test case, and the skipped GPL-only check points to it", () => {
    const xml = run("junit").stdout;
    expect(xml).toContain(`<testsuite name="not judged" tests="1" failures="0" errors="1" skipped="0">`);
    expect(xml).toContain(`<testcase classname="not-judged" name="${symvers}">`);
    expect(xml).toContain(`<error type="empty-table" message="${notice}">`);
    expect(xml).toMatch(/<skipped message="[^"]*The not-judged test cases say why\."/);
  });

  it("Markdown: the verdict is 'audit incomplete' and the scope says what was not judged", () => {
    const md = run("markdown").stdout;
    expect(md.split("\n")[0]).toBe("### kmodaudit: no findings — audit incomplete");
    expect(md).toContain("**Not judged:**");
    expect(md).toContain("this export table lists no exports");
    expect(md).not.toContain("--symvers FILE");
  });

  it("HTML: the summary opens with it", () => {
    const html = run("html").stdout;
    expect(html).toMatch(
      /<section id="summary"><h2>Summary<\/h2>\n<p class="warn-note">The audit is incomplete: it could not judge the following\.<\/p><ul id="not-judged"><li><code>[^<]*Module\.symvers<\/code>: this export table lists no exports/,
    );
    expect(html).not.toContain("pass --symvers FILE");
  });
});

describe("kmodaudit blob", () => {
  const blob = join(SAMPLES, "vendor_blob.o_binary");
  const glue = join(SAMPLES, "vendor_glue.ko");

  it("with no kernel table: warns, exits 2, and its JSON says what it was judged against", () => {
    const r = runCli(["blob", blob, "--glue", glue, "--no-embedded", "--format", "json"]);
    expect(r.status).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([
      expect.stringMatching(/^kmodaudit: no kernel export table: 1 module and 1 blob import 6 symbols/),
    ]);
    const j = JSON.parse(r.stdout);
    expect(j.kernel).toEqual({ sources: [], exports: 0, gplOnlyKnown: false, release: null });
    expect(j.notJudged).toEqual([expect.objectContaining({ code: "no-kernel-table" })]);
    expect(j.direct).toEqual([]);
    expect(runCli(["blob", blob, "--glue", glue, "--no-embedded"]).stdout).toMatch(
      /reaches 0 exports directly[\s\S]*not judged: no kernel export table/,
    );
  });

  it("with a table: exit 0, and the kernel section names it", () => {
    const r = runCli(["blob", blob, "--glue", glue, "--symvers", SAMPLES_SYMVERS, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kernel).toMatchObject({
      sources: [{ kind: "symvers", file: SAMPLES_SYMVERS, origin: "explicit" }],
      gplOnlyKnown: true,
    });
    expect(j.notJudged).toEqual([]);
    expect(runCli(["blob", blob, "--glue", glue, "--symvers", SAMPLES_SYMVERS]).stdout).toContain(
      `Kernel export table: ${SAMPLES_SYMVERS} — `,
    );
  });
});

describe("deps, baseline write and system", () => {
  it("deps with no kernel table: the graph, and exit 2 with the notice on stderr", () => {
    const r = runCli(["deps", "proprietary_gpl_use", "--tree", SAMPLES, "--no-detect-tables", "--no-embedded"]);
    expect(r.stdout).toContain("proprietary_gpl_use");
    expect(stderrLines(r.stderr)).toEqual([expect.stringMatching(/^kmodaudit: no kernel export table: /)]);
    expect(r.status).toBe(2);
  });

  it("baseline write refuses an audit that could not judge, and writes nothing", () => {
    const file = join(fixture(), "baseline.json");
    const r = runCli(["baseline", "write", file, fixture({ "m.ko": gplModule() }), "--justification", "x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/kmodaudit: no kernel export table: [\s\S]*no baseline written: the audit is incomplete/);
    expect(existsSync(file)).toBe(false);
  });

  it("system: a module tree with no module in it", () => {
    const root = fixture({ [`lib/modules/${SAMPLE_RELEASE}/modules.order`]: "" });
    const r = runCliJson(["system", "--root", root, "--proc", join(root, "proc"), "--kernel-release", SAMPLE_RELEASE]);
    expect(r.status).toBe(2);
    expect(r.json.notJudged).toEqual([
      {
        code: "nothing-to-audit",
        path: join(root, "lib/modules", SAMPLE_RELEASE),
        message: expect.stringMatching(/^no module or blob among its 1 file/),
      },
    ]);
  });
});

describe("--output", () => {
  it.each([
    ["scan", ["scan", SAMPLES]],
    ["system", ["system", "--root", "/nonexistent"]],
    ["deps", ["deps", "gpl_clean", "--tree", SAMPLES]],
    ["blob", ["blob", join(SAMPLES, "vendor_blob.o_binary"), "--glue", join(SAMPLES, "vendor_glue.ko")]],
  ])("%s: a missing directory is refused before anything is scanned", (_command, args) => {
    const out = join(fixture(), "no-such-dir", "report.txt");
    const r = runCli([...args, "--output", out]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `kmodaudit: --output ${out}: directory ${join(out, "..")} does not exist: create it, or give another path; nothing was scanned\n`,
    );
  });

  it("a directory given as the file is refused too; an existing directory is written to", () => {
    const dir = fixture();
    expect(runCli(["scan", SAMPLES, "--output", dir]).stderr).toBe(
      `kmodaudit: --output ${dir}: it is a directory: give a file name; nothing was scanned\n`,
    );
    const r = runCli(["scan", SAMPLES, "--output", join(dir, "report.txt")]);
    expect(r.status).toBe(1);
    expect(readFileSync(join(dir, "report.txt"), "utf8")).toContain("proprietary_gpl_use");
  });

  it("baseline write checks its file the same way", () => {
    const file = join(fixture(), "missing", "baseline.json");
    const r = runCli(["baseline", "write", file, SAMPLES, "--justification", "x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `kmodaudit: baseline ${file}: directory ${join(file, "..")} does not exist: create it, or give another path; nothing was scanned\n`,
    );
  });
});

describe("--version", () => {
  it("names the tool's version and what the embedded export database covers, read from the database", async () => {
    const db = await loadExportDatabase();
    const r = runCli(["--version"]);
    expect(r.status).toBe(0);
    const version = JSON.parse(
      readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"),
    ).version;
    const archs = [...new Set(db.releases.map((x) => x.arch))].sort().join(", ");
    const dated = db.generated ? ` of ${db.generated}` : "";
    expect(r.stdout).toMatch(
      new RegExp(
        `^kmodaudit ${version.replace(/\./g, "\\.")} \\(embedded export database${dated}: ${db.releases.length} Debian kernel builds, \\S+ … \\S+, for ${archs}\\)\n$`,
      ),
    );
    // The oldest of its <major>.<minor>.0-<abi> builds (the oldest form Debian names) starts the range.
    const abi = db.releases
      .flatMap((x) => {
        const m = /^(\d+)\.(\d+)\.0-(\d+)-/.exec(x.release);
        return m ? [m.slice(1).map(Number)] : [];
      })
      .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!)[0];
    if (abi) expect(r.stdout).toContain(`builds, ${abi[0]}.${abi[1]}.0-${abi[2]} … `);
  });

  it("reads only the header: a prefix of the file gives the releases the whole database has, a too-short one says to read more", () => {
    const file = readFileSync(EXPORT_DATABASE_FILE);
    const whole = decodeExportDatabase(file);
    expect(decodeExportDatabaseHeader(file.subarray(0, 64))).toBeNull();
    const header = decodeExportDatabaseHeader(file.subarray(0, 16384));
    expect(header).toEqual({ releases: whole.releases, generated: whole.generated });
  });
});
