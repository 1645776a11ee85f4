import { existsSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  CONFIG_FILE_NAME,
  DEFAULT_LIMITS,
  type DecodeLimits,
  type KmodauditConfig,
  parseConfig,
  type ScanOptions,
} from "../index.js";
import { createProgress, type Progress } from "./progress.js";
import { readText } from "./usage-error.js";

/** The flags of withTableOptions, which every command that scans takes. */
export interface TableFlags {
  symvers: string[];
  vmlinux: string[];
  systemMap: string[];
  kernelRelease?: string;
  /** --table-release FILE=RELEASE, in the order given. */
  tableRelease: string[];
  detectTables: boolean;
  embedded: boolean;
  assumeLicense?: string;
  maxDecompressed?: number;
  maxTotalDecompressed?: number;
  maxDepth?: number;
  maxRatio?: number;
  maxInputRatio?: number;
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

function positiveInt(value: string): number {
  const n = Number(value);
  // commander prints InvalidArgumentError with the option's name; any other error would end the run silently.
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(
      `Give a positive whole number in digits, without units (e.g. 1073741824 for 1 GiB).`,
    );
  }
  return n;
}

/** A repeatable option's values, in the order given. */
export const collect = (v: string, prev: string[]) => [...prev, v];

/** FILE=RELEASE split at the last '=' (a path may hold one, a release does not). */
function tableTie(v: string): [string, string] {
  const at = v.lastIndexOf("=");
  if (at <= 0 || at === v.length - 1) {
    throw new InvalidArgumentError("Give FILE=RELEASE, e.g. build/Module.symvers=6.1.0-57-amd64.");
  }
  return [v.slice(0, at), v.slice(at + 1)];
}

/** --table-release's values, each well formed and none tying one file to two releases. */
function collectTie(v: string, prev: string[]): string[] {
  const [file, release] = tableTie(v);
  const before = prev.map(tableTie).find(([f]) => f === file);
  if (before && before[1] !== release) throw new InvalidArgumentError(`${file} is tied to ${before[1]} already.`);
  return collect(v, prev);
}

/** The ties of --table-release, by file as given. */
const tableReleases = (ties: readonly string[]): Record<string, string> => Object.fromEntries(ties.map(tableTie));

const defaults = DEFAULT_LIMITS;

/** Options naming the target kernel's export tables, shared by every command that resolves symbols. */
export function withTableOptions(cmd: Command): Command {
  return cmd
    .option(
      "--symvers <file>",
      "Module.symvers of the target kernel, plain or .gz (repeatable; the first naming a symbol wins)",
      collect,
      [] as string[],
    )
    .option(
      "--vmlinux <file>",
      "kernel image (vmlinux ELF, or an x86 vmlinuz) whose __ksymtab gives the kernel's exports (repeatable)",
      collect,
      [] as string[],
    )
    .option(
      "--system-map <file>",
      "System.map or /proc/kallsyms; __start/__stop___ksymtab ranges tell GPL-only exports (repeatable)",
      collect,
      [] as string[],
    )
    .option(
      "--kernel-release <release>",
      "target kernel release for vermagic checks, when the tables' file names do not say it",
    )
    .option(
      "--table-release <file=release>",
      "the kernel release a table given or found belongs to, when its name does not say it or says wrong; " +
        "with several kernels in a scan a table answers for its release's kernel only (repeatable)",
      collectTie,
      [] as string[],
    )
    .option("--no-detect-tables", "do not use Module.symvers / symvers*.gz found beside the scanned trees")
    .option(
      "--no-embedded",
      "with no table given or found, do not fall back to kmodaudit's embedded exports of Debian kernels " +
        "(chosen by vermagic)",
    )
    .option("--assume-license <license>", "license that applies to vendor blobs (they carry none), e.g. NVIDIA")
    .option(
      "--max-decompressed <bytes>",
      `largest file, and largest decompressed size of one file (default ${defaults.maxDecompressedBytes})`,
      positiveInt,
    )
    .option(
      "--max-total-decompressed <bytes>",
      "decompressed bytes over the whole scan; later files are reported unread " +
        `(default ${defaults.maxTotalDecompressedBytes})`,
      positiveInt,
    )
    .option(
      "--max-ratio <n>",
      `largest expansion of one decompression past 16 MiB of output (default ${defaults.maxExpansionRatio}×)`,
      positiveInt,
    )
    .option(
      "--max-input-ratio <n>",
      "most one input may decode in all, over its layers and nested archives, as a multiple of its size " +
        `(default ${defaults.maxInputRatio}×, at least --max-decompressed)`,
      positiveInt,
    )
    .option(
      "--max-depth <n>",
      `compression layers accepted around one file (default ${defaults.maxCompressionDepth})`,
      positiveInt,
    )
    .option(
      "--max-container-depth <n>",
      `archives nested in one another (default ${defaults.maxContainerDepth})`,
      positiveInt,
    )
    .option(
      "--max-members <n>",
      `archive members read out of one input file (default ${defaults.maxMembers})`,
      positiveInt,
    )
    .option("--max-sections <n>", `sections in one ELF file (default ${defaults.maxSections})`, positiveInt)
    .option("--max-symbols <n>", `entries in one symbol table (default ${defaults.maxSymbols})`, positiveInt)
    .option(
      "--max-string <bytes>",
      `length of one symbol name or .modinfo string (default ${defaults.maxStringBytes})`,
      positiveInt,
    )
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("-q, --quiet", "no progress bar (it is drawn only on a terminal, on stderr, for scans over a second)")
    .option(
      "--config <file>",
      "settings (tables, failOn, baseline, rule severities, blob licenses); " +
        `default ./${CONFIG_FILE_NAME} if present; flags override it`,
    )
    .option("--no-config", `ignore ./${CONFIG_FILE_NAME}`);
}

/** --format, its choices the formats of a registry of report/registry.ts, table first. */
export const formatOption = (reporters: object, description: string): Option =>
  new Option("--format <format>", description).choices(Object.keys(reporters)).default("table");

/** --config FILE (which must exist), else ./kmodaudit.config.json when there is one. */
export function configFor(flags: TableFlags): KmodauditConfig | null {
  if (flags.config === false) return null;
  const file = flags.config ?? (existsSync(CONFIG_FILE_NAME) ? CONFIG_FILE_NAME : undefined);
  if (file === undefined) return null;
  return parseConfig(readText(file, "config file", "check the --config path, or leave --config out"), file);
}

/** The scan the flags ask for, the config filling in what they leave out. */
export function scanOptions(flags: TableFlags, config = configFor(flags)): ScanOptions {
  // Each table flag given on the command line replaces that list of the config.
  const tables = config?.tables;
  return {
    symvers: flags.symvers.length || !tables ? flags.symvers : tables.symvers,
    vmlinux: flags.vmlinux.length || !tables ? flags.vmlinux : tables.vmlinux,
    systemMap: flags.systemMap.length || !tables ? flags.systemMap : tables.systemMap,
    ...(config ? { blobLicenses: config.blobLicenses } : {}),
    ...(flags.kernelRelease ? { kernelRelease: flags.kernelRelease } : {}),
    ...ties(flags, tables),
    detectTables: flags.detectTables,
    embedded: flags.embedded,
    assumeLicense: flags.assumeLicense ?? null,
    limits: limitsFrom(flags),
  };
}

/**
 * --table-release, else the config's tables.releases but for the tables of a list a flag replaced
 * (they are no longer in the scan); none at all leaves the option out.
 */
function ties(flags: TableFlags, tables: KmodauditConfig["tables"] | undefined): Pick<ScanOptions, "tableReleases"> {
  const replaced = new Set([
    ...(flags.symvers.length ? (tables?.symvers ?? []) : []),
    ...(flags.vmlinux.length ? (tables?.vmlinux ?? []) : []),
    ...(flags.systemMap.length ? (tables?.systemMap ?? []) : []),
  ]);
  const kept = Object.entries(tables?.releases ?? {}).filter(([file]) => !replaced.has(file));
  const given = flags.tableRelease.length ? tableReleases(flags.tableRelease) : Object.fromEntries(kept);
  return Object.keys(given).length ? { tableReleases: given } : {};
}

export function limitsFrom(flags: TableFlags): DecodeLimits {
  const given: Partial<DecodeLimits> = {
    maxDecompressedBytes: flags.maxDecompressed,
    maxTotalDecompressedBytes: flags.maxTotalDecompressed,
    maxCompressionDepth: flags.maxDepth,
    maxExpansionRatio: flags.maxRatio,
    maxInputRatio: flags.maxInputRatio,
    maxContainerDepth: flags.maxContainerDepth,
    maxMembers: flags.maxMembers,
    maxSections: flags.maxSections,
    maxSymbols: flags.maxSymbols,
    maxStringBytes: flags.maxString,
  };
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/** The progress bar, for a person at a terminal: never on a pipe, with --quiet, or on stdout. */
export function progressFor(flags: TableFlags): Progress | null {
  if (flags.quiet || !process.stderr.isTTY) return null;
  const delay = process.env.KMODAUDIT_PROGRESS_DELAY_MS; // lets tests see the bar on a small scan
  const noColor = "NO_COLOR" in process.env && process.env.NO_COLOR !== "";
  return createProgress({
    stream: process.stderr,
    color: !noColor,
    ...(delay !== undefined ? { delayMs: Number(delay) } : {}),
  });
}

/** Runs a scan with the progress bar the flags allow, erased once the scan is over. */
export async function withProgress<T>(
  flags: TableFlags,
  run: (onProgress: ScanOptions["onProgress"]) => Promise<T>,
): Promise<T> {
  const progress = progressFor(flags);
  return run(progress?.update).finally(() => progress?.clear());
}
