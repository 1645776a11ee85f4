import { errorMessage } from "../core/errors.js";
import { Command, CommanderError } from "commander";
import { addBaselineCommand } from "./commands/baseline.js";
import { addBlobCommand } from "./commands/blob.js";
import { addDepsCommand } from "./commands/deps.js";
import { addScanCommand } from "./commands/scan.js";
import { addSystemCommand } from "./commands/system.js";
import { addUpgradeCommand } from "./commands/upgrade.js";
import { addSymbolCommand } from "./commands/symbol.js";
import { EXIT } from "./exit-code.js";
import { versionLine } from "./version-line.js";

// The CLI is a shell over the library (src/index.ts): each command, in a file of its own under
// commands/, parses its flags, calls the library and writes what it returns through a reporter of
// report/registry.ts.

const HELP = `
With no command, kmodaudit audits the running kernel ("kmodaudit system"): its module tree, the
modules it has loaded and their taint.

Examples:
  kmodaudit
  kmodaudit scan /lib/modules/$(uname -r)
  kmodaudit scan --format json --symvers Module.symvers ./vendor-driver.ko > report.json
  kmodaudit deps drm_kms_helper --tree /lib/modules/$(uname -r)
  kmodaudit blob nv-kernel.o_binary --glue nvidia.ko --symvers Module.symvers

Run kmodaudit <command> --help for a command's options and more examples.`;

export function buildProgram(): Command {
  const program = new Command("kmodaudit")
    .description("Audit Linux kernel modules and vendor blobs: who uses GPL-only kernel interfaces without being GPL?")
    // Not commander's .version(text): the text reads the database's header, which only --version needs.
    .option("-V, --version", "output the version number and what the embedded export database covers")
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) })
    .showHelpAfterError("(run with --help for usage)");
  // In the order the help lists them; subcommands take the settings above from the program.
  addScanCommand(program);
  addUpgradeCommand(program);
  addSymbolCommand(program);
  addBaselineCommand(program);
  addDepsCommand(program);
  addBlobCommand(program);
  addSystemCommand(program);
  program.on("option:version", () => {
    const line = versionLine();
    process.stdout.write(`${line}\n`);
    throw new CommanderError(EXIT.ok, "commander.version", line);
  });
  program.addHelpText("after", HELP);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // A report that could not be written whole (a full disk, /dev/full, a reader that went away) is
  // an incomplete audit whatever the findings: a gate must not pass, nor read "findings" (exit 1),
  // on a truncated report.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    // A reader that stopped on purpose (`| head`) needs no message, as with SIGPIPE.
    if (e.code !== "EPIPE")
      process.stderr.write(
        `kmodaudit: the report could not be written to stdout (${e.code ?? e.message}): it is incomplete\n`,
      );
    process.exit(EXIT.incomplete);
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
    process.stderr.write(`kmodaudit: ${errorMessage(e)}\n`);
    return EXIT.incomplete;
  }
}
