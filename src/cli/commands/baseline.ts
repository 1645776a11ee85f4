import { existsSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { applySeverity, parseBaseline, recordBaseline, scan, serializeBaseline } from "../../index.js";
import { configFor, scanOptions, type TableFlags, withProgress, withTableOptions } from "../options.js";
import { checkWritable, warnNotJudged } from "../output.js";
import { readText, UsageError } from "../usage-error.js";

interface BaselineWriteFlags extends TableFlags {
  justification?: string;
}

const HELP = `
Examples:
  kmodaudit baseline write kmodaudit.baseline.json ./modules --symvers Module.symvers --justification "NVIDIA glue; license reviewed in LEGAL-42"
  kmodaudit scan ./modules --symvers Module.symvers --baseline kmodaudit.baseline.json

Entries are keyed by (rule, module name, symbol) and sorted, one symbol per line, for review in
pull requests; edit any entry's "justification" by hand. Exit codes: 0 written, 2 refused (no
justification for new findings, or the audit was incomplete).`;

/** kmodaudit baseline write FILE PATH...: records the findings of a scan as accepted. */
export function addBaselineCommand(program: Command): void {
  const baseline = program
    .command("baseline")
    .description(
      "Accept current findings deliberately: record them, each with a justification, " +
        "in a file that scan --baseline suppresses",
    );
  const write = baseline
    .command("write")
    .description(
      "Record the findings of a scan in a baseline file " +
        "(an existing file is updated: its entries keep their justifications)",
    )
    .argument("<file>", "the baseline file, e.g. kmodaudit.baseline.json")
    .argument("<path...>", "what to scan, as for kmodaudit scan");
  withTableOptions(write)
    .option(
      "--justification <text>",
      "why the findings are accepted; recorded with every new entry (required when there are new findings)",
    )
    .addHelpText("after", HELP)
    .action(writeBaseline);
}

async function writeBaseline(file: string, paths: string[], flags: BaselineWriteFlags): Promise<void> {
  checkWritable(file, "baseline");
  const config = configFor(flags);
  const previous = existsSync(file)
    ? parseBaseline(readText(file, "baseline", "check its permissions"), file)
    : undefined;
  const scanned = await withProgress(flags, (onProgress) =>
    scan(paths, { ...scanOptions(flags, config), hash: false, onProgress, listSkippedMembers: false }),
  );
  // Rules turned off in the config are not recorded: nobody should have to justify them.
  const result = applySeverity(scanned, config?.rules);
  if (result.errors.length) {
    const e = result.errors[0]!;
    const files = `${result.errors.length} file${result.errors.length === 1 ? "" : "s"}`;
    throw new UsageError(
      `no baseline written: the audit is incomplete (${files} could not be read, e.g. ${e.path}: ${e.message}); ` +
        "fix or leave out those files, then rerun",
    );
  }
  // Findings recorded from an audit that could not judge (no kernel table, say) would be the
  // wrong ones: the GPL-only findings a complete audit makes would not be in the baseline.
  if (result.notJudged.length) {
    warnNotJudged(result);
    throw new UsageError(
      "no baseline written: the audit is incomplete (see above); give the scan what it needs, then rerun",
    );
  }
  const out = recordBaseline(result, {
    file,
    ...(flags.justification !== undefined ? { justification: flags.justification } : {}),
    ...(previous ? { previous } : {}),
  });
  writeFileSync(file, serializeBaseline(out.baseline));
  const dropped = out.dropped.length ? `, ${out.dropped.length} dropped (no longer found)` : "";
  process.stdout.write(
    `wrote ${file}: ${out.baseline.entries.length} entries (${out.added.length} new, ${out.kept} kept${dropped})\n`,
  );
}
