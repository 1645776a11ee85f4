import { existsSync } from "node:fs";
import type { Command } from "commander";
import { auditRunningSystem } from "../../index.js";
import { AUDIT_REPORTERS } from "../../report/registry.js";
import { type ReportFlags, reportAudit, withReportOptions } from "../audit-report.js";
import { configFor, scanOptions, withProgress, withTableOptions } from "../options.js";
import { checkWritable } from "../output.js";
import { UsageError } from "../usage-error.js";

interface SystemFlags extends ReportFlags {
  root: string;
  proc: string;
}

const HELP = `
The release is the running kernel's (--proc's sys/kernel/osrelease), or --kernel-release.
Loaded modules are matched to files of the tree by name; one loaded but not found there was
loaded from elsewhere, or its file was removed or renamed since.

Examples:
  kmodaudit
  kmodaudit --all
  kmodaudit system --format json > running.json
  kmodaudit system --root /mnt/image --kernel-release 6.1.0-56-amd64   # a mounted system, not the running one

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 audit incomplete (no module tree for the
running kernel, or no module in it, no export table for it, unreadable or damaged files, usage errors).`;

/** kmodaudit system, what kmodaudit does with no command: audits the running kernel. */
export function addSystemCommand(program: Command): void {
  const command = program
    .command("system", { isDefault: true })
    .description(
      "Audit the running kernel (what kmodaudit does with no command): its module tree " +
        "/lib/modules/$(uname -r) with the export table found for it, and the modules it has loaded " +
        "(/proc/modules), with their taint and the kernel's explained",
    );
  withReportOptions(withTableOptions(command))
    .option(
      "--root <dir>",
      "the system's root directory: audit DIR/lib/modules/<release> (e.g. a mounted disk image)",
      "/",
    )
    .option(
      "--proc <dir>",
      "where proc is mounted: modules, sys/kernel/tainted and sys/kernel/osrelease are read there",
      "/proc",
    )
    .allowExcessArguments()
    .addHelpText("after", HELP)
    .action(async (flags: SystemFlags, cmd: Command) => {
      checkWritable(flags.output, "--output");
      refuseStray(cmd.args[0], program);
      const config = configFor(flags);
      const scanned = await withProgress(flags, (onProgress) =>
        auditRunningSystem({
          ...scanOptions(flags, config),
          root: flags.root,
          proc: flags.proc,
          ...(flags.kernelRelease ? { release: flags.kernelRelease } : {}),
          hash: AUDIT_REPORTERS[flags.format].hashes,
          onProgress,
        }),
      );
      await reportAudit(scanned, flags, cmd, config, [scanned.running?.tree ?? flags.root]);
    });
}

/** A word after `kmodaudit` that is no command: the default command would otherwise take it silently. */
function refuseStray(stray: string | undefined, program: Command): void {
  if (stray === undefined) return;
  const commands = program.commands.map((c) => c.name());
  throw new UsageError(
    existsSync(stray)
      ? `"${stray}" is a path, not a command: to audit files or directories, run kmodaudit scan ${stray}`
      : `unknown command "${stray}": the commands are ${commands.join(", ")} (kmodaudit --help describes them)`,
  );
}
