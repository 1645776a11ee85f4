import type { Command } from "commander";
import { readRegularFileSync } from "../../engine/inspect-file.js";
import { attributeBlob, scan } from "../../index.js";
import { ATTRIBUTION_REPORTERS, type AttributionFormat } from "../../report/registry.js";
import { EXIT } from "../exit-code.js";
import { formatOption, limitsFrom, scanOptions, type TableFlags, withTableOptions } from "../options.js";
import { checkWritable, emit, terminalContext, warnNotJudged } from "../output.js";
import { UsageError } from "../usage-error.js";

interface BlobFlags extends TableFlags {
  glue: string;
  format: AttributionFormat;
}

const HELP = `
Examples:
  kmodaudit blob wlc_hybrid.o_shipped --glue wl_glue.o --symvers /usr/src/linux-headers-$(uname -r)/Module.symvers
  kmodaudit blob nv-kernel.o_binary --glue nvidia.ko --symvers Module.symvers --format json`;

/** kmodaudit blob BLOB --glue FILE: what a vendor blob reaches itself, and what only through its glue. */
export function addBlobCommand(program: Command): void {
  const command = program
    .command("blob")
    .description(
      "Attribute a vendor blob's kernel use: which interfaces it reaches directly, " +
        "and which only through the glue module built around it",
    )
    .argument("<blob>", "the vendor object (e.g. nv-kernel.o_binary, wlc_hybrid.o_shipped)");
  withTableOptions(command)
    .requiredOption(
      "--glue <file>",
      "the glue module or object that links the blob (e.g. nvidia.ko, or the glue .o files linked with ld -r)",
    )
    .addOption(formatOption(ATTRIBUTION_REPORTERS, "output format"))
    .addHelpText("after", HELP)
    .action(attribute);
}

async function attribute(blobPath: string, flags: BlobFlags): Promise<void> {
  checkWritable(flags.output, "--output");
  const result = await scan([blobPath, flags.glue], { ...scanOptions(flags), blobs: [blobPath] });
  if (result.errors.length) {
    const errors = result.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
    const hint =
      "give the blob and --glue as readable object files (kmodaudit scan FILE reports what is wrong with one)";
    throw new UsageError(`${errors}: ${hint}`);
  }
  // The glue file is read as the scan engine reads modules: regular files only, bounded.
  const glueBytes = readRegularFileSync(flags.glue, true, Number.MAX_SAFE_INTEGER);
  if (!("bytes" in glueBytes)) {
    const why = "error" in glueBytes ? glueBytes.error : glueBytes.skip;
    throw new UsageError(`${flags.glue}: ${why}: --glue must name the glue module or object file`);
  }
  const attribution = await attributeBlob(result, blobPath, flags.glue, glueBytes.bytes, limitsFrom(flags));
  const reporter = ATTRIBUTION_REPORTERS[flags.format];
  await emit(reporter.render(attribution, terminalContext(reporter, flags.output)), flags.output);
  warnNotJudged(attribution);
  process.exitCode = attribution.notJudged.length ? EXIT.incomplete : EXIT.ok;
}
