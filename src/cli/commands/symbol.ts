import type { Command } from "commander";
import { loadExportDatabase, symbolHistories } from "../../index.js";
import { SYMBOL_REPORTERS, type SymbolFormat } from "../../report/registry.js";
import { EXIT } from "../exit-code.js";
import { formatOption } from "../options.js";
import { checkWritable, emit, terminalContext } from "../output.js";

interface SymbolFlags {
  format: SymbolFormat;
  output?: string;
}

const HELP = `
Examples:
  kmodaudit symbol __kernel_fpu_begin lockdep_init_map_type
  kmodaudit symbol pv_ops --format json

Exit codes: 0 when every symbol is exported by some release of the database, 2 when one is not.`;

/** kmodaudit symbol NAME...: an export's history across the embedded database. */
export function addSymbolCommand(program: Command): void {
  program
    .command("symbol")
    .description(
      "Show an export's history across the embedded database of Debian kernels: the releases and flavours " +
        "that have it, its type, namespace and provider in each, and the first release of each change",
    )
    .argument("<name...>", "exported symbol names")
    .addOption(formatOption(SYMBOL_REPORTERS, "output format"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addHelpText("after", HELP)
    .action(async (names: string[], flags: SymbolFlags) => {
      checkWritable(flags.output, "--output");
      const histories = symbolHistories(await loadExportDatabase(), names);
      const reporter = SYMBOL_REPORTERS[flags.format];
      await emit(reporter.render(histories, terminalContext(reporter, flags.output)), flags.output);
      process.exitCode = histories.every((h) => h.known) ? EXIT.ok : EXIT.incomplete;
    });
}
