import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { attributeBlob } from "../attribution.js";
import { DEFAULT_LIMITS, type DecodeLimits } from "../container/limits.js";
import { dependencyView, findModule } from "../deps.js";
import { readRegularFileSync } from "../fs/inspect-file.js";
import { renderAttribution } from "../report/attribution.js";
import { depsJson, renderDepsDot, renderDepsMermaid, renderDepsTable } from "../report/deps.js";
import { renderJson } from "../report/json.js";
import { renderTable } from "../report/table.js";
import { scan, type ScanOptions } from "../scan.js";
import { VERSION } from "../version.js";
import { EXIT, exitCodeFor, type FailOn } from "./exit-code.js";

interface TableFlags {
  symvers: string[];
  vmlinux: string[];
  systemMap: string[];
  kernelRelease?: string;
  detectTables: boolean;
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
}

interface ScanFlags extends TableFlags {
  format: "table" | "json";
  failOn: FailOn;
  all?: boolean;
  listSkipped?: boolean;
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
  if (!Number.isSafeInteger(n) || n <= 0) throw new CommanderError(EXIT.incomplete, "kmodaudit.invalidNumber", `not a positive whole number: ${value}`);
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
    .option("-o, --output <file>", "write the report to a file instead of stdout");
}

function scanOptions(flags: TableFlags): ScanOptions {
  return {
    symvers: flags.symvers,
    vmlinux: flags.vmlinux,
    systemMap: flags.systemMap,
    ...(flags.kernelRelease ? { kernelRelease: flags.kernelRelease } : {}),
    detectTables: flags.detectTables,
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
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) })
    .showHelpAfterError("(run with --help for usage)");

  withTableOptions(
    program
      .command("scan")
      .description("Scan files and directories (recursively, by content) for kernel modules and blobs, resolve their imports and report findings")
      .argument("<path...>", "module files (.ko, .ko.gz/.xz/.zst, vendor .o) and directories such as /lib/modules/<version>"),
  )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .addOption(new Option("--fail-on <level>", "exit 1 when a finding is at or above this severity").choices(["error", "warning", "info", "none"]).default("error"))
    .option("--all", "table: list every module, not only those with findings")
    .option("--list-skipped", "json: list archive members that are not modules too (always counted in the summary)")
    .addHelpText(
      "after",
      `
Examples:
  kmodaudit scan /lib/modules/$(uname -r)
  kmodaudit scan --symvers /usr/src/linux-headers-$(uname -r)/Module.symvers ./vendor-driver.ko
  kmodaudit scan --format json --fail-on warning ./modules > report.json
  kmodaudit scan --assume-license NVIDIA nv-kernel.o_binary --symvers Module.symvers
  kmodaudit scan ./modules-6.1 --symvers /usr/src/linux-headers-6.12.1-amd64/Module.symvers   # will they load on 6.12?

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 audit incomplete (unreadable or damaged files, usage errors).`,
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      const result = await scan(paths, { ...scanOptions(flags), hash: flags.format === "json" });
      emit(flags.format === "json" ? renderJson(result, { listSkipped: flags.listSkipped }) : renderTable(result, { all: flags.all, color: !flags.output && colorWanted() }), flags.output);
      process.exitCode = exitCodeFor(result, flags.failOn);
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
      const trees = flags.tree.length ? flags.tree : existsSync(wanted) ? [] : [runningTree()];
      const paths = existsSync(wanted) && !trees.some((t) => wanted.startsWith(t)) ? [wanted, ...trees] : trees;
      const result = await scan(paths, scanOptions(flags));
      const module = findModule(result, wanted);
      if (!module) throw new UsageError(`no module "${wanted}" in ${paths.join(", ")}: give a module file, or its name with --tree DIR`);
      const view = dependencyView(result, module, flags.reverse ? "dependents" : "dependencies");
      const render = { table: renderDepsTable, json: (v: typeof view) => JSON.stringify(depsJson(v), null, 2) + "\n", dot: renderDepsDot, mermaid: renderDepsMermaid }[flags.format];
      emit(render(view), flags.output);
      for (const e of result.errors) process.stderr.write(`kmodaudit: ${e.path}: ${e.message}\n`);
      process.exitCode = result.errors.length ? EXIT.incomplete : EXIT.ok;
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
      const result = await scan([blobPath, flags.glue], { ...scanOptions(flags), blobs: [blobPath] });
      if (result.errors.length) throw new UsageError(result.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
      const glueBytes = readRegularFileSync(flags.glue, true, Number.MAX_SAFE_INTEGER);
      if (!("bytes" in glueBytes)) throw new UsageError(`${flags.glue}: ${"error" in glueBytes ? glueBytes.error : glueBytes.skip}`);
      const attribution = await attributeBlob(result, blobPath, flags.glue, glueBytes.bytes, limitsFrom(flags));
      emit(flags.format === "json" ? JSON.stringify({ schemaVersion: 1, ...attribution }, null, 2) + "\n" : renderAttribution(attribution), flags.output);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // A reader that goes away early (`| head`) is not an error of the audit.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return EXIT.incomplete;
  }
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
