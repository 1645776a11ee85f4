import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
// The CLI is a shell over the library: everything it does goes through the package's public API.
import {
  applyPolicy,
  applySeverity,
  auditIncomplete,
  attributeBlob,
  auditRunningSystem,
  CONFIG_FILE_NAME,
  DEFAULT_LIMITS,
  dependencyView,
  depsJson,
  findModule,
  notJudgedLines,
  parseBaseline,
  parseConfig,
  recordBaseline,
  renderAttribution,
  renderDepsDot,
  renderDepsMermaid,
  renderDepsTable,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderSarif,
  renderTable,
  scan,
  serializeBaseline,
  type DecodeLimits,
  type KmodauditConfig,
  type ScanOptions,
  type ScanResult,
} from "../index.js";
// The blob command reads its glue file as the scan engine reads modules (regular files only, bounded).
import { readRegularFileSync } from "../engine/inspect-file.js";
import { EXIT, exitCodeFor, type FailOn } from "./exit-code.js";
import { createProgress, type Progress } from "./progress.js";
import { versionLine } from "./version-line.js";
import { reportWidth } from "./report-width.js";

interface TableFlags {
  symvers: string[];
  vmlinux: string[];
  systemMap: string[];
  kernelRelease?: string;
  detectTables: boolean;
  embedded: boolean;
  assumeLicense?: string;
  maxDecompressed?: number;
  maxTotalDecompressed?: number;
  maxDepth?: number;
  maxRatio?: number;
  maxContainerDepth?: number;
  maxMembers?: number;
  maxSections?: number;
  maxSymbols?: number;
  maxString?: number;
  output?: string;
  quiet?: boolean;
  /** --config FILE, or false for --no-config. */
  config?: string | false;
}

interface ScanFlags extends TableFlags {
  format: "table" | "json" | "html" | "sarif" | "junit" | "markdown";
  failOn: FailOn;
  all?: boolean;
  listSkipped?: boolean;
  /** --baseline FILE, or false for --no-baseline. */
  baseline?: string | false;
}

interface BaselineWriteFlags extends TableFlags {
  justification?: string;
}

interface SystemFlags extends ScanFlags {
  root: string;
  proc: string;
}

interface BlobFlags extends TableFlags {
  glue: string;
  format: "table" | "json";
}

interface DepsFlags extends TableFlags {
  tree: string[];
  reverse?: boolean;
  format: "table" | "json" | "dot" | "mermaid";
}

class UsageError extends Error {}

function positiveInt(value: string): number {
  const n = Number(value);
  // commander prints InvalidArgumentError with the option's name; any other error would end the run silently.
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`Give a positive whole number in digits, without units (e.g. 1073741824 for 1 GiB).`);
  return n;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function colorWanted(): boolean {
  return Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "");
}

/** Options naming the target kernel's export tables, shared by every command that resolves symbols. */
function withTableOptions(cmd: Command): Command {
  return cmd
    .option("--symvers <file>", "Module.symvers of the target kernel, plain or .gz (repeatable; the first naming a symbol wins)", collect, [] as string[])
    .option("--vmlinux <file>", "kernel image (vmlinux ELF, or an x86 vmlinuz) whose __ksymtab gives the kernel's exports (repeatable)", collect, [] as string[])
    .option("--system-map <file>", "System.map or /proc/kallsyms; __start/__stop___ksymtab ranges tell GPL-only exports (repeatable)", collect, [] as string[])
    .option("--kernel-release <release>", "target kernel release for vermagic checks, when the tables' file names do not say it")
    .option("--no-detect-tables", "do not use Module.symvers / symvers*.gz found beside the scanned trees")
    .option("--no-embedded", "with no table given or found, do not fall back to kmodaudit's embedded exports of Debian kernels (chosen by vermagic)")
    .option("--assume-license <license>", "license that applies to vendor blobs (they carry none), e.g. NVIDIA")
    .option("--max-decompressed <bytes>", `largest file, and largest decompressed size of one file (default ${DEFAULT_LIMITS.maxDecompressedBytes})`, positiveInt)
    .option("--max-total-decompressed <bytes>", `decompressed bytes over the whole scan; later files are reported unread (default ${DEFAULT_LIMITS.maxTotalDecompressedBytes})`, positiveInt)
    .option("--max-ratio <n>", `largest expansion of one decompression past 16 MiB of output (default ${DEFAULT_LIMITS.maxExpansionRatio}×)`, positiveInt)
    .option("--max-depth <n>", `compression layers accepted around one file (default ${DEFAULT_LIMITS.maxCompressionDepth})`, positiveInt)
    .option("--max-container-depth <n>", `archives nested in one another (default ${DEFAULT_LIMITS.maxContainerDepth})`, positiveInt)
    .option("--max-members <n>", `archive members read out of one input file (default ${DEFAULT_LIMITS.maxMembers})`, positiveInt)
    .option("--max-sections <n>", `sections in one ELF file (default ${DEFAULT_LIMITS.maxSections})`, positiveInt)
    .option("--max-symbols <n>", `entries in one symbol table (default ${DEFAULT_LIMITS.maxSymbols})`, positiveInt)
    .option("--max-string <bytes>", `length of one symbol name or .modinfo string (default ${DEFAULT_LIMITS.maxStringBytes})`, positiveInt)
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("-q, --quiet", "no progress bar (it is drawn only on a terminal, on stderr, for scans over a second)")
    .option("--config <file>", `settings (tables, failOn, baseline, rule severities, blob licenses); default ./${CONFIG_FILE_NAME} if present; flags override it`)
    .option("--no-config", `ignore ./${CONFIG_FILE_NAME}`);
}

function readText(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): ${hint}`);
  }
}

/** --config FILE (which must exist), else ./kmodaudit.config.json when there is one. */
function configFor(flags: TableFlags): KmodauditConfig | null {
  if (flags.config === false) return null;
  const file = flags.config ?? (existsSync(CONFIG_FILE_NAME) ? CONFIG_FILE_NAME : undefined);
  return file === undefined ? null : parseConfig(readText(file, "config file", "check the --config path, or leave --config out"), file);
}

/** The progress bar, for a person at a terminal: never on a pipe, with --quiet, or on stdout. */
function progressFor(flags: TableFlags): Progress | null {
  if (flags.quiet || !process.stderr.isTTY) return null;
  const delay = process.env.KMODAUDIT_PROGRESS_DELAY_MS; // lets tests see the bar on a small scan
  const noColor = "NO_COLOR" in process.env && process.env.NO_COLOR !== "";
  return createProgress({ stream: process.stderr, color: !noColor, ...(delay !== undefined ? { delayMs: Number(delay) } : {}) });
}

function scanOptions(flags: TableFlags, config = configFor(flags)): ScanOptions {
  // Each table flag given on the command line replaces that list of the config.
  const tables = config?.tables;
  return {
    symvers: flags.symvers.length || !tables ? flags.symvers : tables.symvers,
    vmlinux: flags.vmlinux.length || !tables ? flags.vmlinux : tables.vmlinux,
    systemMap: flags.systemMap.length || !tables ? flags.systemMap : tables.systemMap,
    ...(config ? { blobLicenses: config.blobLicenses } : {}),
    ...(flags.kernelRelease ? { kernelRelease: flags.kernelRelease } : {}),
    detectTables: flags.detectTables,
    embedded: flags.embedded,
    assumeLicense: flags.assumeLicense ?? null,
    limits: limitsFrom(flags),
  };
}

function limitsFrom(flags: TableFlags): DecodeLimits {
  const given: Partial<DecodeLimits> = {
    maxDecompressedBytes: flags.maxDecompressed,
    maxTotalDecompressedBytes: flags.maxTotalDecompressed,
    maxCompressionDepth: flags.maxDepth,
    maxExpansionRatio: flags.maxRatio,
    maxContainerDepth: flags.maxContainerDepth,
    maxMembers: flags.maxMembers,
    maxSections: flags.maxSections,
    maxSymbols: flags.maxSymbols,
    maxStringBytes: flags.maxString,
  };
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/** The directory report paths are relative to: the one directory scanned, if that is what was scanned (as walk.ts shows paths). */
function scannedDirectory(paths: string[]): string | undefined {
  return paths.length === 1 && statSync(paths[0]!, { throwIfNoEntry: false })?.isDirectory() ? paths[0] : undefined;
}

const FORMATS = ["table", "json", "html", "sarif", "junit", "markdown"] as const;

/** Options of the commands that report an audit (scan, and system): format, gate, baseline. */
function withReportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--format <format>", "output format (html: one self-contained page, best with --output FILE)").choices(FORMATS).default("table"))
    .addOption(new Option("--fail-on <level>", "exit 1 when a finding is at or above this severity").choices(["error", "warning", "info", "none"]).default("error"))
    .option("--all", "table, html: list every module, not only those with findings")
    .option("--list-skipped", "json: list archive members that are not modules too (always counted in the summary)")
    .option("--baseline <file>", "suppress the findings recorded in this baseline (see: kmodaudit baseline write) and list its stale entries")
    .option("--no-baseline", "ignore the baseline named in the config file");
}

/** Applies the config's severities and the baseline, writes the report in its format, sets the exit code. */
function report(scanned: ScanResult, flags: ScanFlags, cmd: Command, config: KmodauditConfig | null, paths: string[]): void {
  const failOn = cmd.getOptionValueSource("failOn") === "cli" ? flags.failOn : (config?.failOn ?? flags.failOn);
  const baselineFile = flags.baseline === false ? undefined : (flags.baseline ?? config?.baseline);
  const baseline = baselineFile === undefined ? undefined : parseBaseline(readText(baselineFile, "baseline", `create it with: kmodaudit baseline write ${baselineFile} PATH… --justification TEXT`), baselineFile);
  const result = applyPolicy(scanned, { ...(baseline ? { baseline: { file: baselineFile!, baseline } } : {}), ...(config ? { severity: config.rules } : {}) });
  const text =
    flags.format === "json" ? renderJson(result, { listSkipped: flags.listSkipped })
    : flags.format === "sarif" ? renderSarif(result, { root: scannedDirectory(paths) })
    : flags.format === "junit" ? renderJunit(result, { failOn })
    : flags.format === "markdown" ? renderMarkdown(result, { failOn })
    : flags.format === "html" ? renderHtml(result, { all: flags.all }) : renderTable(result, { all: flags.all, color: !flags.output && colorWanted(), width: tableWidthFor(flags.output) });
  emit(text, flags.output);
  warnNotJudged(result);
  const stale = result.baseline?.stale.length ?? 0;
  // The table shows stale entries itself; other formats may not, and CI logs should still say so.
  if (stale > 0 && (flags.format !== "table" || flags.output)) {
    process.stderr.write(`kmodaudit: warning: ${stale} baseline ${stale === 1 ? "entry matches" : "entries match"} no finding any more: remove ${stale === 1 ? "it" : "them"} from ${baselineFile} (listed in the report's baseline.stale)\n`);
  }
  process.exitCode = exitCodeFor(result, failOn);
}

/** Columns a table report may take: a file has no terminal to ask. */
const tableWidthFor = (output: string | undefined) => reportWidth(output ? null : process.stdout, process.env);

/** What could not be judged, on stderr whatever the format: a CI log shows why the exit code is 2. */
function warnNotJudged(result: Pick<ScanResult, "notJudged">): void {
  for (const line of notJudgedLines(result)) process.stderr.write(`kmodaudit: ${line}\n`);
}

/**
 * Refuses, before anything is scanned, a report file that could not be written: a scan of a large
 * tree should not end in a bare ENOENT.
 */
function checkWritable(file: string | undefined, what: string): void {
  if (file === undefined) return;
  const dir = dirname(resolve(file));
  const problem = (() => {
    try {
      const target = statSync(file, { throwIfNoEntry: false });
      if (target?.isDirectory()) return "it is a directory: give a file name";
      const parent = statSync(dir, { throwIfNoEntry: false });
      if (!parent) return `directory ${dir} does not exist: create it, or give another path`;
      if (!parent.isDirectory()) return `${dir} is not a directory`;
      accessSync(target ? file : dir, constants.W_OK);
      return null;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return `cannot be written (${err.code ?? err.message})`;
    }
  })();
  if (problem) throw new UsageError(`${what} ${file}: ${problem}; nothing was scanned`);
}

function emit(text: string, output: string | undefined): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}

function runningTree(): string {
  const release = execFileSync("uname", ["-r"], { encoding: "utf8" }).trim();
  return `/lib/modules/${release}`;
}

export function buildProgram(): Command {
  const program = new Command("kmodaudit")
    .description("Audit Linux kernel modules and vendor blobs: who uses GPL-only kernel interfaces without being GPL?")
    // Not commander's .version(text): the text reads the database's header, which only --version needs.
    .option("-V, --version", "output the version number and what the embedded export database covers")
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) })
    .showHelpAfterError("(run with --help for usage)");

  withReportOptions(withTableOptions(
    program
      .command("scan")
      .description("Scan files and directories (recursively, by content) for kernel modules and blobs, resolve their imports and report findings")
      .argument("<path...>", "module files (.ko, .ko.gz/.xz/.zst, vendor .o) and directories such as /lib/modules/<version>"),
  ))
    .addHelpText(
      "after",
      `
Examples:
  kmodaudit scan /lib/modules/$(uname -r)
  kmodaudit scan --symvers /usr/src/linux-headers-$(uname -r)/Module.symvers ./vendor-driver.ko
  kmodaudit scan --format json --fail-on warning ./modules > report.json
  kmodaudit scan --assume-license NVIDIA nv-kernel.o_binary --symvers Module.symvers
  kmodaudit scan ./modules-6.1 --symvers /usr/src/linux-headers-6.12.1-amd64/Module.symvers   # will they load on 6.12?
  kmodaudit scan ./modules --baseline kmodaudit.baseline.json   # only findings the baseline does not accept
  kmodaudit scan ./modules --symvers Module.symvers --format html --output report.html   # a page to attach to a CI run
  kmodaudit scan ./modules --symvers Module.symvers --format sarif --output kmodaudit.sarif   # for code scanning
  kmodaudit scan ./modules --format junit --output kmodaudit.xml   # a test report: findings at --fail-on fail
  kmodaudit scan ./modules --format markdown > comment.md   # for a pull-request comment

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 audit incomplete (unreadable or damaged files,
usage errors, or something it could not judge: a path with no module in it, a table listing no exports
or no export types, kernel imports with no kernel table; each is said on stderr and in the report).`,
    )
    .action(async (paths: string[], flags: ScanFlags, cmd: Command) => {
      checkWritable(flags.output, "--output");
      const config = configFor(flags);
      const progress = progressFor(flags);
      const scanned = await scan(paths, { ...scanOptions(flags, config), hash: flags.format === "json", onProgress: progress?.update }).finally(() => progress?.clear());
      report(scanned, flags, cmd, config, paths);
    });

  const baselineCommand = program
    .command("baseline")
    .description("Accept current findings deliberately: record them, each with a justification, in a file that scan --baseline suppresses");
  withTableOptions(
    baselineCommand
      .command("write")
      .description("Record the findings of a scan in a baseline file (an existing file is updated: its entries keep their justifications)")
      .argument("<file>", "the baseline file, e.g. kmodaudit.baseline.json")
      .argument("<path...>", "what to scan, as for kmodaudit scan"),
  )
    .option("--justification <text>", "why the findings are accepted; recorded with every new entry (required when there are new findings)")
    .addHelpText(
      "after",
      `
Examples:
  kmodaudit baseline write kmodaudit.baseline.json ./modules --symvers Module.symvers --justification "NVIDIA glue; license reviewed in LEGAL-42"
  kmodaudit scan ./modules --symvers Module.symvers --baseline kmodaudit.baseline.json

Entries are keyed by (rule, module name, symbol) and sorted, one symbol per line, for review in
pull requests; edit any entry's "justification" by hand. Exit codes: 0 written, 2 refused (no
justification for new findings, or the audit was incomplete).`,
    )
    .action(async (file: string, paths: string[], flags: BaselineWriteFlags) => {
      checkWritable(file, "baseline");
      const config = configFor(flags);
      const previous = existsSync(file) ? parseBaseline(readText(file, "baseline", "check its permissions"), file) : undefined;
      const progress = progressFor(flags);
      const scanned = await scan(paths, { ...scanOptions(flags, config), hash: false, onProgress: progress?.update }).finally(() => progress?.clear());
      // Rules turned off in the config are not recorded: nobody should have to justify them.
      const result = applySeverity(scanned, config?.rules);
      if (result.errors.length) {
        const e = result.errors[0]!;
        throw new UsageError(`no baseline written: the audit is incomplete (${result.errors.length} file${result.errors.length === 1 ? "" : "s"} could not be read, e.g. ${e.path}: ${e.message}); fix or leave out those files, then rerun`);
      }
      // Findings recorded from an audit that could not judge (no kernel table, say) would be the
      // wrong ones: the GPL-only findings a complete audit makes would not be in the baseline.
      if (result.notJudged.length) {
        warnNotJudged(result);
        throw new UsageError("no baseline written: the audit is incomplete (see above); give the scan what it needs, then rerun");
      }
      const out = recordBaseline(result, { file, ...(flags.justification !== undefined ? { justification: flags.justification } : {}), ...(previous ? { previous } : {}) });
      writeFileSync(file, serializeBaseline(out.baseline));
      const dropped = out.dropped.length ? `, ${out.dropped.length} dropped (no longer found)` : "";
      process.stdout.write(`wrote ${file}: ${out.baseline.entries.length} entries (${out.added.length} new, ${out.kept} kept${dropped})\n`);
    });

  withTableOptions(
    program
      .command("deps")
      .description("Show what a module depends on (or, with --reverse, what depends on it), directly and transitively, with the symbols each edge carries")
      .argument("<module>", "a module file, or a module name or path inside --tree"),
  )
    .option("--tree <dir>", "module tree to resolve against (repeatable; default /lib/modules/$(uname -r) when <module> is a name)", collect, [] as string[])
    .option("--reverse", "list the modules that depend on <module>")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json", "dot", "mermaid"]).default("table"))
    .addHelpText(
      "after",
      `
Examples:
  kmodaudit deps drm_kms_helper --tree /lib/modules/$(uname -r)
  kmodaudit deps ./nvidia.ko --tree /lib/modules/$(uname -r) --format dot | dot -Tsvg > nvidia.svg
  kmodaudit deps drm --reverse --tree /lib/modules/6.1.0-56-amd64 --format mermaid

GPL-only edges are drawn red in dot and mermaid output.`,
    )
    .action(async (wanted: string, flags: DepsFlags) => {
      checkWritable(flags.output, "--output");
      const trees = flags.tree.length ? flags.tree : existsSync(wanted) ? [] : [runningTree()];
      const paths = existsSync(wanted) && !trees.some((t) => wanted.startsWith(t)) ? [wanted, ...trees] : trees;
      const progress = progressFor(flags);
      const result = await scan(paths, { ...scanOptions(flags), onProgress: progress?.update }).finally(() => progress?.clear());
      const module = findModule(result, wanted);
      if (!module) throw new UsageError(`no module "${wanted}" in ${paths.join(", ")}: give a module file, or its name with --tree DIR`);
      const view = dependencyView(result, module, flags.reverse ? "dependents" : "dependencies");
      const render = { table: (v: typeof view) => renderDepsTable(v, { width: tableWidthFor(flags.output) }), json: (v: typeof view) => JSON.stringify(depsJson(v), null, 2) + "\n", dot: renderDepsDot, mermaid: renderDepsMermaid }[flags.format];
      emit(render(view), flags.output);
      for (const e of result.errors) process.stderr.write(`kmodaudit: ${e.path}: ${e.message}\n`);
      warnNotJudged(result);
      process.exitCode = auditIncomplete(result) ? EXIT.incomplete : EXIT.ok;
    });
  withTableOptions(
    program
      .command("blob")
      .description("Attribute a vendor blob's kernel use: which interfaces it reaches directly, and which only through the glue module built around it")
      .argument("<blob>", "the vendor object (e.g. nv-kernel.o_binary, wlc_hybrid.o_shipped)"),
  )
    .requiredOption("--glue <file>", "the glue module or object that links the blob (e.g. nvidia.ko, or the glue .o files linked with ld -r)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .addHelpText(
      "after",
      `
Examples:
  kmodaudit blob wlc_hybrid.o_shipped --glue wl_glue.o --symvers /usr/src/linux-headers-$(uname -r)/Module.symvers
  kmodaudit blob nv-kernel.o_binary --glue nvidia.ko --symvers Module.symvers --format json`,
    )
    .action(async (blobPath: string, flags: BlobFlags) => {
      checkWritable(flags.output, "--output");
      const result = await scan([blobPath, flags.glue], { ...scanOptions(flags), blobs: [blobPath] });
      if (result.errors.length) throw new UsageError(`${result.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}: give the blob and --glue as readable object files (kmodaudit scan FILE reports what is wrong with one)`);
      const glueBytes = readRegularFileSync(flags.glue, true, Number.MAX_SAFE_INTEGER);
      if (!("bytes" in glueBytes)) throw new UsageError(`${flags.glue}: ${"error" in glueBytes ? glueBytes.error : glueBytes.skip}: --glue must name the glue module or object file`);
      const attribution = await attributeBlob(result, blobPath, flags.glue, glueBytes.bytes, limitsFrom(flags));
      emit(flags.format === "json" ? JSON.stringify({ schemaVersion: 1, ...attribution }, null, 2) + "\n" : renderAttribution(attribution, { width: tableWidthFor(flags.output) }), flags.output);
      warnNotJudged(attribution);
      process.exitCode = attribution.notJudged.length ? EXIT.incomplete : EXIT.ok;
    });
  withReportOptions(withTableOptions(
    program
      .command("system", { isDefault: true })
      .description("Audit the running kernel (what kmodaudit does with no command): its module tree /lib/modules/$(uname -r) with the export table found for it, and the modules it has loaded (/proc/modules), with their taint and the kernel's explained"),
  ))
    .option("--root <dir>", "the system's root directory: audit DIR/lib/modules/<release> (e.g. a mounted disk image)", "/")
    .option("--proc <dir>", "where proc is mounted: modules, sys/kernel/tainted and sys/kernel/osrelease are read there", "/proc")
    .allowExcessArguments()
    .addHelpText(
      "after",
      `
The release is the running kernel's (--proc's sys/kernel/osrelease), or --kernel-release.
Loaded modules are matched to files of the tree by name; one loaded but not found there was
loaded from elsewhere, or its file was removed or renamed since.

Examples:
  kmodaudit
  kmodaudit --all
  kmodaudit system --format json > running.json
  kmodaudit system --root /mnt/image --kernel-release 6.1.0-56-amd64   # a mounted system, not the running one

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 audit incomplete (no module tree for the
running kernel, or no module in it, no export table for it, unreadable or damaged files, usage errors).`,
    )
    .action(async (flags: SystemFlags, cmd: Command) => {
      checkWritable(flags.output, "--output");
      const [stray] = cmd.args;
      if (stray !== undefined) {
        const commands = program.commands.map((c) => c.name());
        throw new UsageError(
          existsSync(stray)
            ? `"${stray}" is a path, not a command: to audit files or directories, run kmodaudit scan ${stray}`
            : `unknown command "${stray}": the commands are ${commands.join(", ")} (kmodaudit --help describes them)`,
        );
      }
      const config = configFor(flags);
      const progress = progressFor(flags);
      const scanned = await auditRunningSystem({ ...scanOptions(flags, config), root: flags.root, proc: flags.proc, ...(flags.kernelRelease ? { release: flags.kernelRelease } : {}), hash: flags.format === "json", onProgress: progress?.update }).finally(() => progress?.clear());
      report(scanned, flags, cmd, config, [scanned.running?.tree ?? flags.root]);
    });
  program.on("option:version", () => {
    const line = versionLine();
    process.stdout.write(`${line}\n`);
    throw new CommanderError(EXIT.ok, "commander.version", line);
  });
  program.addHelpText(
    "after",
    `
With no command, kmodaudit audits the running kernel ("kmodaudit system"): its module tree, the
modules it has loaded and their taint.

Examples:
  kmodaudit
  kmodaudit scan /lib/modules/$(uname -r)
  kmodaudit scan --format json --symvers Module.symvers ./vendor-driver.ko > report.json
  kmodaudit deps drm_kms_helper --tree /lib/modules/$(uname -r)
  kmodaudit blob nv-kernel.o_binary --glue nvidia.ko --symvers Module.symvers

Run kmodaudit <command> --help for a command's options and more examples.`,
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // A reader that goes away early (`| head`) is not an error of the audit.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors get the contract's exit 2, not commander's 1.
      return e.exitCode === 0 ? EXIT.ok : EXIT.incomplete;
    }
    process.stderr.write(`kmodaudit: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.incomplete;
  }
}
