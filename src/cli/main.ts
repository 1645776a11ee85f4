import { writeFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { scan } from "../scan.js";
import { renderJson } from "../report/json.js";
import { renderTable } from "../report/table.js";
import { VERSION } from "../version.js";
import { EXIT, exitCodeFor, type FailOn } from "./exit-code.js";

interface ScanFlags {
  symvers: string[];
  format: "table" | "json";
  failOn: FailOn;
  all?: boolean;
  assumeLicense?: string;
  detectTables: boolean;
  output?: string;
  maxDecompressed?: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CommanderError(EXIT.incomplete, "kmodaudit.invalidNumber", `not a positive whole number: ${value}`);
  return n;
}

function colorWanted(): boolean {
  return Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "");
}

export function buildProgram(): Command {
  const program = new Command("kmodaudit")
    .description("Audit Linux kernel modules and vendor blobs: who uses GPL-only kernel interfaces without being GPL?")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) })
    .showHelpAfterError("(run with --help for usage)");

  program
    .command("scan")
    .description("Scan files and directories (recursively, by content) for kernel modules and blobs, resolve their imports and report findings")
    .argument("<path...>", "module files (.ko, .ko.gz/.xz/.zst, vendor .o) and directories such as /lib/modules/<version>")
    .option("--symvers <file>", "Module.symvers of the target kernel, plain or .gz (repeatable; the first naming a symbol wins)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .addOption(new Option("--fail-on <level>", "exit 1 when a finding is at or above this severity").choices(["error", "warning", "info", "none"]).default("error"))
    .option("--all", "table: list every module, not only those with findings")
    .option("--assume-license <license>", "license that applies to vendor blobs (they carry none), e.g. NVIDIA")
    .option("--no-detect-tables", "do not use Module.symvers / symvers*.gz found beside the scanned trees")
    .option("--max-decompressed <bytes>", "largest decompressed size accepted per file", positiveInt)
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addHelpText(
      "after",
      `
Examples:
  kmodaudit scan /lib/modules/$(uname -r)
  kmodaudit scan --symvers /usr/src/linux-headers-$(uname -r)/Module.symvers ./vendor-driver.ko
  kmodaudit scan --format json --fail-on warning ./modules > report.json
  kmodaudit scan --assume-license NVIDIA nv-kernel.o_binary --symvers Module.symvers

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 audit incomplete (unreadable or damaged files, usage errors).`,
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      const result = await scan(paths, {
        symvers: flags.symvers,
        detectTables: flags.detectTables,
        assumeLicense: flags.assumeLicense ?? null,
        ...(flags.maxDecompressed ? { limits: { maxDecompressedBytes: flags.maxDecompressed } } : {}),
      });
      const text = flags.format === "json" ? renderJson(result) : renderTable(result, { all: flags.all, color: !flags.output && colorWanted() });
      if (flags.output) writeFileSync(flags.output, text);
      else process.stdout.write(text);
      process.exitCode = exitCodeFor(result, flags.failOn);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
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
