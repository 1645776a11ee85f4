import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runCli, runCliJson } from "../helpers/cli.js";
import { miniModule } from "../helpers/elf-builder.mjs";

const SYMVERS = "0x1\t_printk\tvmlinux\tEXPORT_SYMBOL\n0x2\tdebugfs_create_dir\tvmlinux\tEXPORT_SYMBOL_GPL\n";

function fixture(files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-cli-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe("kernel tables", () => {
  it("a table named with --symvers is the only one: one found beside the tree does not answer for it", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "m.ko": miniModule(64, "little", ["license=GPL"], ["_printk", "debugfs_create_dir"]).bytes,
    });
    const other = fixture({ "Module.symvers": "0x1\t_printk\tvmlinux\tEXPORT_SYMBOL\n" });
    const r = runCliJson(["scan", dir, "--symvers", join(other, "Module.symvers")]);
    expect(
      r.json.kernel.sources.filter((s: { kind: string }) => s.kind !== "modules").map((s: { file: string }) => s.file),
    ).toEqual([join(other, "Module.symvers")]);
    expect(r.json.modules[0].unresolved).toEqual(["debugfs_create_dir"]);
    expect(runCliJson(["scan", dir]).json.modules[0].unresolved).toEqual([]);
  });
});

describe("exit codes", () => {
  it("0 when no finding reaches --fail-on", () => {
    const dir = fixture({ "Module.symvers": SYMVERS, "ok.ko": miniModule(64, "little", ["license=GPL"]).bytes });
    expect(runCli(["scan", dir]).status).toBe(0);
  });

  it("1 when an error-level finding is present (default --fail-on error)", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "bad.ko": miniModule(64, "little", ["license=Proprietary"]).bytes,
    });
    expect(runCli(["scan", dir]).status).toBe(1);
  });

  it("--fail-on warning turns warnings into failures; --fail-on none never fails on findings", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "w.ko": miniModule(64, "little", ["license=GPLv2"], ["_printk"]).bytes,
    });
    expect(runCli(["scan", dir]).status).toBe(0);
    expect(runCli(["scan", dir, "--fail-on", "warning"]).status).toBe(1);
    expect(runCli(["scan", dir, "--fail-on", "none", "--symvers", join(dir, "Module.symvers")]).status).toBe(0);
  });

  it("2 when any file could not be read or parsed, even with findings", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "bad.ko": miniModule(64, "little", ["license=Proprietary"]).bytes,
      "cut.ko": miniModule(64, "little", ["license=GPL"]).bytes.subarray(0, 100),
    });
    const r = runCliJson(["scan", dir]);
    expect(r.status).toBe(2);
    expect(r.json.errors).toEqual([
      {
        path: "cut.ko",
        message: expect.stringMatching(/section header table/),
        structure: "section header table",
        offset: expect.any(Number),
      },
    ]);
  });

  it.each([
    ["an unknown option", ["scan", ".", "--bogus"]],
    ["a missing path", ["scan"]],
    ["an invalid --format", ["scan", ".", "--format", "xml"]],
    ["an invalid --fail-on", ["scan", ".", "--fail-on", "sometimes"]],
    ["a word that is no command", ["sacn", "."]],
  ])("2 on a usage error: %s (not commander's 1)", (_what, args) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
  });

  it("2 with no command when the running kernel has no module tree, saying what to do instead", () => {
    const r = runCli(["--root", fixture({}), "--kernel-release", "6.1.0-56-amd64"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/no module tree .*lib\/modules\/6\.1\.0-56-amd64.*kmodaudit scan/s);
  });

  it("0 for --help and --version", () => {
    expect(runCli(["--help"]).status).toBe(0);
    expect(runCli(["scan", "--help"]).stdout).toMatch(/Examples:/);
    expect(runCli(["--version"]).stdout.trim()).toMatch(/^kmodaudit \d+\.\d+\.\d+ \(embedded export database/);
  });

  it("runs as an executable, its first line giving Node the flags it runs with", () => {
    // The other tests run it through `node`, which reads no #! line: this one runs it as a shell would.
    const r = spawnSync(BIN, ["--version"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(BIN, "utf8").split("\n")[0]).toMatch(
      /^#!\/usr\/bin\/env -S MALLOC_ARENA_MAX=\d+ node --max-semi-space-size=\d+ --heap-growing-percent=\d+$/,
    );
  });
});

describe("--format json", () => {
  it("prints one object with the contract's fields", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "m.ko": miniModule(32, "big", ["license=Proprietary", "name=m", "vermagic=6.1.0 SMP"]).bytes,
    });
    const { json } = runCliJson(["scan", dir]);
    expect(json).toMatchObject({
      schemaVersion: 1,
      tool: { name: "kmodaudit" },
      kernel: {
        sources: [
          { kind: "symvers", file: join(dir, "Module.symvers"), origin: "detected" },
          { kind: "modules", file: dir, origin: "explicit" },
        ],
        exports: 3,
        gplOnlyKnown: true,
      },
      summary: { files: 2, modules: 1, blobs: 0, skipped: 1, errors: 0, findings: { "gpl-only-symbol-use": 1 } },
      skipped: [{ path: "Module.symvers", reason: "kernel export table, used for resolution" }],
      errors: [],
    });
    expect(json.modules[0]).toMatchObject({
      path: "m.ko",
      name: "m",
      kind: "module",
      dialect: "linux",
      elf: { class: 32, endian: "big", machine: "386" },
      modinfo: [
        ["license", "Proprietary"],
        ["name", "m"],
        ["vermagic", "6.1.0 SMP"],
      ],
      licenses: ["Proprietary"],
      vermagic: "6.1.0 SMP",
      signature: null,
      gplCompatible: { loader: false, modpost: false },
      imports: 2,
      exports: [{ symbol: "my_export", gplOnly: true, namespace: "MY_NS" }],
      gplOnlyImports: [{ symbol: "debugfs_create_dir", provider: "vmlinux" }],
      unresolved: [],
      findings: [{ rule: "gpl-only-symbol-use", severity: "error", symbols: ["debugfs_create_dir"], chain: [] }],
    });
    expect(json.modules[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("says GPL-only kernel exports are unknown when there is no table, and that the audit could not judge them (exit 2)", () => {
    const dir = fixture({ "m.ko": miniModule(64, "little", ["license=Proprietary"]).bytes });
    const { json, status } = runCliJson(["scan", dir]);
    expect(json.kernel).toEqual({
      sources: [{ kind: "modules", file: dir, origin: "explicit" }],
      exports: 1,
      gplOnlyKnown: false,
      release: null,
    });
    expect(json.modules[0].findings).toEqual([]);
    expect(json.notJudged).toEqual([
      {
        code: "no-kernel-table",
        message: expect.stringMatching(
          /^no kernel export table: 1 module import 2 symbols .*\(_printk, debugfs_create_dir\).*GPL-only.*pass --symvers FILE/,
        ),
      },
    ]);
    expect(status).toBe(2);
    expect(runCli(["scan", dir], { COLUMNS: "1000" }).stdout).toMatch(
      /not judged no kernel export table: .*whether they are GPL-only/,
    );
  });

  it("reports unresolved imports only when a kernel table is known", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "m.ko": miniModule(64, "little", ["license=GPL"], ["_printk", "no_such_symbol"]).bytes,
    });
    const { json, status } = runCliJson(["scan", dir]);
    expect(json.modules[0].unresolved).toEqual(["no_such_symbol"]);
    expect(json.modules[0].findings).toEqual([
      expect.objectContaining({ rule: "unresolved-symbol", symbols: ["no_such_symbol"] }),
    ]);
    expect(status).toBe(1);
  });
});

describe("--format table", () => {
  it("escapes control characters and escape sequences from binaries, and has no colour off a terminal", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "evil.ko": miniModule(64, "little", ["license=Evil\x1b[2J\x07GPL"]).bytes,
    });
    const out = runCli(["scan", dir]).stdout;
    expect(out).toContain("Evil\\x1b[2J\\x07GPL");
    expect(out).not.toMatch(/\x1b/);
    const json = runCliJson(["scan", dir]).json;
    expect(json.modules[0].licenses).toEqual(["Evil\x1b[2J\x07GPL"]);
  });

  it("shows license bytes as they are: a tag with trailing white space quoted, so `GPL ` is not read as `GPL`", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "spaced.ko": miniModule(64, "little", ["license=GPL ", "name=spaced"]).bytes,
    });
    const out = runCli(["scan", dir, "--all"]).stdout;
    expect(out).toContain('"GPL "');
    expect(runCliJson(["scan", dir]).json.modules[0].licenses).toEqual(["GPL "]);
  });

  it("lists every module with --all", () => {
    const dir = fixture({
      "Module.symvers": SYMVERS,
      "clean.ko": miniModule(64, "little", ["license=GPL", "name=cleanmod"]).bytes,
    });
    expect(runCli(["scan", dir]).stdout).not.toContain("cleanmod");
    expect(runCli(["scan", dir, "--all"]).stdout).toContain("cleanmod");
  });
});
