import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { renderJson } from "../../src/report/json.js";
import { renderRunningSection } from "../../src/report/running.js";
import { renderTable } from "../../src/report/table.js";
import { parseProcModules } from "../../src/system/proc-modules.js";
import { auditRunningSystem, NoModuleTreeError } from "../../src/engine/running-system.js";
import { decodeKernelTaint, explainModuleTaint, TAINT_FLAGS } from "../../src/system/taint.js";
import { runCli } from "../helpers/cli.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const RELEASE = "6.1.0-56-amd64";

/** Lines as a Debian 6.1 kernel writes them (refcount, users with trailing commas, address hidden). */
const PROC_MODULES = [
  "nvidia 56807424 71 nvidia_modeset,nvidia_uvm, Live 0x0000000000000000 (POE)",
  "proprietary_gpl_use 16384 0 - Live 0x0000000000000000 (POE)",
  "signed_gpl 16384 0 - Live 0x0000000000000000",
  "gpl_clean 16384 1 dual_licensed, Live 0x0000000000000000 (OE)",
  "dual_licensed 12288 0 - Loading 0xffffffffc0a1b000 (OE+)",
  "",
].join("\n");

/** P (1) + W (512) + O (4096) + E (8192). */
const TAINTED = "12801\n";

/**
 * A system root with a real module tree: sample modules built for 6.1.0-56-amd64 placed as a
 * distribution and DKMS would (one also in updates/, which modprobe prefers), that kernel's
 * Module.symvers under build/, and a proc directory.
 */
function fakeSystem(proc: { modules?: string; tainted?: string; osrelease?: string } = {}): {
  root: string;
  proc: string;
  tree: string;
} {
  const root = mkdtempSync(join(tmpdir(), "kmodaudit-running-"));
  const tree = join(root, "lib/modules", RELEASE);
  const place = (sample: string, at: string) => {
    mkdirSync(dirname(join(tree, at)), { recursive: true });
    copyFileSync(join(SAMPLES, sample), join(tree, at));
  };
  place("gpl_clean.ko", "kernel/drivers/misc/gpl_clean.ko");
  place("dual_licensed.ko", "kernel/drivers/misc/dual_licensed.ko");
  place("proprietary_gpl_use.ko", "kernel/drivers/misc/proprietary_gpl_use.ko");
  place("proprietary_gpl_use.ko", "updates/dkms/proprietary_gpl_use.ko");
  place("signed_gpl.ko", "kernel/drivers/misc/signed-gpl.ko"); // loaded as signed_gpl: same normalised name
  mkdirSync(join(tree, "build"));
  writeFileSync(join(tree, "build/Module.symvers"), gunzipSync(readFileSync(join(SAMPLES, `symvers-${RELEASE}.gz`))));
  writeFileSync(join(tree, "modules.order"), "");
  const procDir = join(root, "proc");
  mkdirSync(join(procDir, "sys/kernel"), { recursive: true });
  const files = { modules: PROC_MODULES, tainted: TAINTED, osrelease: `${RELEASE}\n`, ...proc };
  if (files.modules !== "") writeFileSync(join(procDir, "modules"), files.modules);
  if (files.tainted !== "") writeFileSync(join(procDir, "sys/kernel/tainted"), files.tainted);
  if (files.osrelease !== "") writeFileSync(join(procDir, "sys/kernel/osrelease"), files.osrelease);
  return { root, proc: procDir, tree };
}

describe("taint flags", () => {
  it("follow the kernel's taint_flags[]: one letter per bit 0…19, in the kernel's order", () => {
    expect(TAINT_FLAGS.map((f) => f.letter).join("")).toBe("PFSRMBUDAWCIOELKXTNJ");
    expect(TAINT_FLAGS.map((f) => f.bit)).toEqual([...Array(20).keys()]);
    expect(
      TAINT_FLAGS.filter((f) => f.moduleMeaning !== null)
        .map((f) => f.letter)
        .join(""),
    ).toBe("PFCOEKXTNJ");
  });

  it("decode /proc/sys/kernel/tainted bit by bit", () => {
    expect(decodeKernelTaint("0\n")).toEqual({ value: 0, flags: [] });
    const t = decodeKernelTaint(TAINTED)!;
    expect(t.value).toBe(12801);
    expect(t.flags.map((f) => [f.bit, f.letter, f.name])).toEqual([
      [0, "P", "PROPRIETARY_MODULE"],
      [9, "W", "WARN"],
      [12, "O", "OOT_MODULE"],
      [13, "E", "UNSIGNED_MODULE"],
    ]);
    // T is the randstruct plugin (bit 17), N an in-kernel test (bit 18).
    expect(decodeKernelTaint(String(2 ** 17 + 2 ** 18))!.flags.map((f) => [f.letter, f.name])).toEqual([
      ["T", "RANDSTRUCT"],
      ["N", "TEST"],
    ]);
  });

  it("name a bit this table does not know instead of dropping it, and refuse what is not a number", () => {
    expect(decodeKernelTaint(String(2n ** 40n + 1n))!.flags).toEqual([
      { bit: 0, letter: "P", name: "PROPRIETARY_MODULE", meaning: "proprietary module was loaded" },
      { bit: 40, letter: "?", name: null, meaning: "taint bit 40, unknown to kmodaudit (newer kernel)" },
    ]);
    expect(decodeKernelTaint("")).toBeNull();
    expect(decodeKernelTaint("-1")).toBeNull();
  });

  it("explain a module's letters, and say so for one they do not know", () => {
    expect(explainModuleTaint("POE").map((t) => t.name)).toEqual([
      "PROPRIETARY_MODULE",
      "OOT_MODULE",
      "UNSIGNED_MODULE",
    ]);
    expect(explainModuleTaint("C")[0]!.meaning).toBe("staging driver");
    expect(explainModuleTaint("Z")).toEqual([
      { letter: "Z", name: null, meaning: "taint letter unknown to kmodaudit (newer kernel)" },
    ]);
    expect(explainModuleTaint("")).toEqual([]);
  });
});

describe("parseProcModules", () => {
  it("reads every column of m_show()'s lines", () => {
    const { modules, problems } = parseProcModules(PROC_MODULES);
    expect(problems).toEqual([]);
    expect(modules[0]).toEqual({
      name: "nvidia",
      size: 56807424,
      refcount: 71,
      usedBy: ["nvidia_modeset", "nvidia_uvm"],
      permanent: false,
      state: "live",
      taint: "POE",
    });
    expect(modules[2]).toEqual({
      name: "signed_gpl",
      size: 16384,
      refcount: 0,
      usedBy: [],
      permanent: false,
      state: "live",
      taint: "",
    });
  });

  it("keeps the + and - of older kernels out of the taint letters (they repeat the state)", () => {
    const { modules } = parseProcModules("a 1 0 - Loading 0x0 (OE+)\nb 1 0 - Unloading 0x0 (-)\n");
    expect(modules.map((m) => [m.state, m.taint])).toEqual([
      ["loading", "OE"],
      ["unloading", ""],
    ]);
  });

  it("reads [permanent] modules and kernels without module unloading (refcount and users both -)", () => {
    const { modules } = parseProcModules("ipv6 548864 38 bridge,[permanent], Live 0x0\nfoo 4096 - - Live 0x0\n");
    expect(modules[0]).toMatchObject({ usedBy: ["bridge"], permanent: true, refcount: 38 });
    expect(modules[1]).toMatchObject({ usedBy: [], permanent: false, refcount: null });
  });

  it("reports lines in another format by number, and reads the rest", () => {
    const { modules, problems } = parseProcModules("good 1 0 - Live 0x0\nbad line\nx 1 0 - Sleeping 0x0\n");
    expect(modules.map((m) => m.name)).toEqual(["good"]);
    expect(problems).toEqual([
      { line: 2, message: "expected 6 or 7 fields (name size refcount deps state address [(taint)]), found 2" },
      { line: 3, message: "state is not Live, Loading or Unloading: Sleeping" },
    ]);
  });
});

describe("auditRunningSystem", () => {
  let sys: ReturnType<typeof fakeSystem>;
  beforeAll(() => {
    sys = fakeSystem();
  });

  it("audits ROOT/lib/modules/<release> with its build/Module.symvers, the release read from PROC", async () => {
    const r = await auditRunningSystem({ root: sys.root, proc: sys.proc, threads: 1 });
    expect(r.running.release).toBe(RELEASE);
    expect(r.running.tree).toBe(sys.tree);
    expect(r.kernel.sources[0]).toEqual({
      kind: "symvers",
      file: join(sys.tree, "build/Module.symvers"),
      origin: "detected",
    });
    expect(r.kernel.release).toBe(RELEASE);
    // The kernel/ copy of proprietary_gpl_use is the one depmod ignores for the updates/dkms/ one.
    expect(r.modules.map((m) => m.path)).toEqual([
      "kernel/drivers/misc/dual_licensed.ko",
      "kernel/drivers/misc/gpl_clean.ko",
      "kernel/drivers/misc/signed-gpl.ko",
      "updates/dkms/proprietary_gpl_use.ko",
    ]);
    expect(r.skipped.filter((s) => s.shadowedBy)).toMatchObject([
      { path: "kernel/drivers/misc/proprietary_gpl_use.ko", shadowedBy: "updates/dkms/proprietary_gpl_use.ko" },
    ]);
    expect(
      r.modules.find((m) => m.path === "updates/dkms/proprietary_gpl_use.ko")!.findings.map((f) => f.rule),
    ).toEqual(["gpl-only-symbol-use"]);
  });

  it("matches each loaded module to its file by normalised name, preferring updates/ as modprobe does", async () => {
    const r = await auditRunningSystem({ root: sys.root, proc: sys.proc, threads: 1 });
    expect(r.running.loaded!.map((m) => [m.name, m.state, m.taint, m.path])).toEqual([
      ["dual_licensed", "loading", "OE", "kernel/drivers/misc/dual_licensed.ko"],
      ["gpl_clean", "live", "OE", "kernel/drivers/misc/gpl_clean.ko"],
      ["nvidia", "live", "POE", null],
      ["proprietary_gpl_use", "live", "POE", "updates/dkms/proprietary_gpl_use.ko"],
      ["signed_gpl", "live", "", "kernel/drivers/misc/signed-gpl.ko"],
    ]);
    expect(r.running.tainted!.flags.map((f) => f.letter)).toEqual(["P", "W", "O", "E"]);
    expect(r.running.notes).toEqual([]);
  });

  it("takes an explicit release over PROC's, and says what to do when its tree is absent", async () => {
    const err = await auditRunningSystem({ root: sys.root, proc: sys.proc, release: "6.18.44-fc-v595" }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NoModuleTreeError);
    expect(err).toMatchObject({
      release: "6.18.44-fc-v595",
      tree: join(sys.root, "lib/modules/6.18.44-fc-v595"),
      available: [RELEASE],
    });
    expect((err as Error).message).toBe(
      `no module tree for the running kernel 6.18.44-fc-v595: ${join(sys.root, "lib/modules/6.18.44-fc-v595")} does not exist (trees here: ${RELEASE}). ` +
        `Its modules are not installed on this system (a container, or a kernel booted from elsewhere). ` +
        `Audit a tree instead with: kmodaudit scan ${sys.tree}, or point at a mounted system with --root DIR.`,
    );
  });

  it("notes that an explicit release is not the running kernel, whose loaded modules are shown", async () => {
    const other = fakeSystem({ osrelease: "6.18.44-fc-v595\n" });
    const r = await auditRunningSystem({ root: other.root, proc: other.proc, release: RELEASE, threads: 1 });
    expect(r.running.release).toBe(RELEASE);
    expect(r.running.notes).toEqual([
      `${RELEASE} is not the kernel running here (6.18.44-fc-v595): the loaded modules and taint shown are the running kernel's.`,
    ]);
    rmSync(other.root, { recursive: true });
  });

  it("without /proc/modules (no module support) or the taint file, audits the tree and says what is missing", async () => {
    const bare = fakeSystem({ modules: "", tainted: "" });
    const r = await auditRunningSystem({ root: bare.root, proc: bare.proc, threads: 1 });
    expect(r.modules).toHaveLength(4); // and the kernel/ copy updates/dkms/ shadows
    expect(r.running.loaded).toBeNull();
    expect(r.running.tainted).toBeNull();
    expect(renderTable(r)).toContain(
      `Kernel ${RELEASE} (${bare.tree}): loaded modules unknown, see below.\n${r.running.notes.join("\n")}\n`,
    );
    expect(r.running.notes).toEqual([
      `${join(bare.proc, "modules")} cannot be read (ENOENT): the kernel has no loadable-module support, or proc is not mounted there; loaded modules are not listed.`,
      `${join(bare.proc, "sys/kernel/tainted")} cannot be read (ENOENT): the kernel's taint is unknown.`,
    ]);
    rmSync(bare.root, { recursive: true });
  });

  it("notes lines of /proc/modules it cannot read, without counting them as files in error", async () => {
    const odd = fakeSystem({ modules: `${PROC_MODULES}garbage\n` });
    const r = await auditRunningSystem({ root: odd.root, proc: odd.proc, threads: 1 });
    expect(r.errors).toEqual([]);
    expect(r.running.loaded).toHaveLength(5);
    expect(r.running.notes).toEqual([
      `${join(odd.proc, "modules")} line 6 is ignored: expected 6 or 7 fields (name size refcount deps state address [(taint)]), found 1.`,
    ]);
    rmSync(odd.root, { recursive: true });
  });
});

describe("reports", () => {
  let sys: ReturnType<typeof fakeSystem>;
  beforeAll(() => {
    sys = fakeSystem();
  });

  it("JSON adds a running field and leaves the others as a scan of the tree gives them", async () => {
    const r = await auditRunningSystem({ root: sys.root, proc: sys.proc, threads: 1 });
    const json = JSON.parse(renderJson(r));
    expect(json.running.release).toBe(RELEASE);
    expect(json.running.tainted.value).toBe(12801);
    expect(json.running.tainted.flags[0]).toEqual({
      bit: 0,
      letter: "P",
      name: "PROPRIETARY_MODULE",
      meaning: "proprietary module was loaded",
    });
    expect(json.running.loaded.find((m: { name: string }) => m.name === "nvidia")).toEqual({
      name: "nvidia",
      state: "live",
      size: 56807424,
      refcount: 71,
      usedBy: ["nvidia_modeset", "nvidia_uvm"],
      permanent: false,
      taint: explainModuleTaint("POE"),
      path: null,
    });
    const { running: _running, ...rest } = json;
    const { running: _r, ...plain } = r;
    expect(rest).toEqual(JSON.parse(renderJson(plain)));
  });

  it("the table lists loaded modules that are tainted, missing or have findings, and explains the kernel's taint", async () => {
    const r = await auditRunningSystem({ root: sys.root, proc: sys.proc, threads: 1 });
    // Wide enough for the files' paths to be shown whole.
    const text = renderTable(r, { width: 200 });
    expect(text).toContain(`Running kernel ${RELEASE}: 5 modules loaded, 4 tainted, 1 not found in ${sys.tree}.`);
    expect(text).toMatch(/│ nvidia\s+│ live\s+│ P proprietary: non-GPL[^│]*│ not found: loaded from elsewhere, or the/);
    expect(text).toMatch(
      /│ proprietary_gpl_use\s+│ live\s+│ P proprietary.*│ updates\/dkms\/proprietary_gpl_use\.ko\s+│ error gpl-only-symbol-use\s+│/,
    );
    expect(text).not.toMatch(/│ signed_gpl /); // untainted, on disk, no findings
    expect(renderTable(r, { all: true, width: 200 })).toMatch(
      /│ signed_gpl\s+│ live\s+│ —\s+│ kernel\/drivers\/misc\/signed-gpl\.ko/,
    );
    expect(text).toContain(
      "Kernel taint 12801:\n  P  proprietary module was loaded — loaded now: nvidia, proprietary_gpl_use\n  W  kernel issued warning\n",
    );
  });
});

describe("renderRunningSection", () => {
  it("says when no loaded module carries a module taint of the kernel's, and lists nothing for a clean system", () => {
    const running = {
      release: RELEASE,
      tree: `/lib/modules/${RELEASE}`,
      tainted: decodeKernelTaint("1")!,
      loaded: parseProcModules("e1000e 294912 0 - Live 0x0000000000000000\n").modules.map((m) => ({
        ...m,
        path: "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko",
      })),
      notes: [],
    };
    expect(renderRunningSection(running, [])).toBe(
      [
        `Running kernel ${RELEASE}: 1 module loaded, 0 tainted, 0 not found in /lib/modules/${RELEASE}.`,
        "No loaded module is tainted, missing from the tree, changing state or has findings (--all lists every loaded module).",
        "Kernel taint 1:",
        "  P  proprietary module was loaded — no module loaded now carries it (set by one since unloaded, or whose load failed)",
      ].join("\n"),
    );
  });
});

describe("the CLI", () => {
  let sys: ReturnType<typeof fakeSystem>;
  beforeAll(() => {
    sys = fakeSystem();
  });

  it("audits the running system with no command (exit 1: the tree has an error-level finding)", () => {
    const r = runCli(["--root", sys.root, "--proc", sys.proc]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`Running kernel ${RELEASE}: 5 modules loaded`);
    expect(r.stdout).toContain("Kernel export table: " + join(sys.tree, "build/Module.symvers"));
  });

  it("`system --format json` prints the running field", () => {
    const r = runCli(["system", "--root", sys.root, "--proc", sys.proc, "--format", "json", "--fail-on", "none"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).running.loaded.map((m: { name: string }) => m.name)).toEqual([
      "dual_licensed",
      "gpl_clean",
      "nvidia",
      "proprietary_gpl_use",
      "signed_gpl",
    ]);
  });

  it("reports in scan's formats and honours a baseline, as scan does", () => {
    const baseline = join(sys.root, "baseline.json");
    expect(runCli(["baseline", "write", baseline, sys.tree, "--justification", "accepted for the test"]).status).toBe(
      0,
    );
    const gated = runCli(["--root", sys.root, "--proc", sys.proc, "--baseline", baseline, "--format", "markdown"]);
    expect(gated.status).toBe(0);
    expect(gated.stdout).toMatch(/^### kmodaudit: /);
    // SARIF gives one result per finding of the same audit's JSON report.
    const system = ["system", "--root", sys.root, "--proc", sys.proc, "--fail-on", "none", "--format"];
    type Module = { name: string; findings: { rule: string }[] };
    const json: { modules: Module[] } = JSON.parse(runCli([...system, "json"]).stdout);
    const findings = json.modules.flatMap((m) => m.findings.map((f) => `${f.rule} ${m.name}`));
    type Result = { ruleId: string; locations: { logicalLocations: { name: string }[] }[] };
    const sarif: { runs: { results: Result[] }[] } = JSON.parse(runCli([...system, "sarif"]).stdout);
    const results = sarif.runs[0]!.results.map((r) => `${r.ruleId} ${r.locations[0]!.logicalLocations[0]!.name}`);
    expect(results.sort()).toEqual(findings.sort());
  });

  it("exits 2 with what to do when the running kernel's tree is not installed, printing no report", () => {
    const r = runCli(["--root", sys.root, "--proc", sys.proc, "--kernel-release", "6.18.44-fc-v595"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^kmodaudit: no module tree for the running kernel 6\.18\.44-fc-v595: .* Audit a tree instead with: kmodaudit scan .*6\.1\.0-56-amd64, or point at a mounted system with --root DIR\.\n$/,
    );
  });

  it("answers a path or a misspelt command given without a command with what to run instead", () => {
    const path = runCli([SAMPLES]);
    expect(path.status).toBe(2);
    expect(path.stderr).toBe(
      `kmodaudit: "${SAMPLES}" is a path, not a command: to audit files or directories, run kmodaudit scan ${SAMPLES}\n`,
    );
    const typo = runCli(["sacn", "x"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(
      /^kmodaudit: unknown command "sacn": the commands are scan, .*deps, blob, .*system.* \(kmodaudit --help describes them\)\n$/,
    );
  });

  it("a number option given something else names the option and what to give (it used to exit 2 silently)", () => {
    const r = runCli(["scan", SAMPLES, "--max-depth", "x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^error: option '--max-depth <n>' argument 'x' is invalid\. Give a positive whole number in digits, without units/,
    );
  });

  it("--help of the program and of every command has examples", () => {
    const top = runCli(["--help"]);
    expect(top.stdout).toMatch(/With no command, kmodaudit audits the running kernel/);
    const commands = [...top.stdout.matchAll(/^ {2}(\w+) \[options\]/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(["scan", "deps", "blob", "system"]));
    for (const c of [...commands, ""])
      expect(runCli(c ? [c, "--help"] : ["--help"]).stdout, c).toMatch(/\nExamples:\n {2}kmodaudit/);
  });
});
