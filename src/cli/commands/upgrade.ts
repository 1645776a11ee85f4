import type { Command } from "commander";
import { upgrade } from "../../index.js";
import { AUDIT_REPORTERS } from "../../report/registry.js";
import { type ReportFlags, reportAudit, withReportOptions } from "../audit-report.js";
import { configFor, scanOptions, withProgress, withTableOptions } from "../options.js";
import { checkWritable } from "../output.js";
import { UsageError } from "../usage-error.js";

const HELP = `
Each module is judged as if rebuilt for each target kernel of the embedded database of Debian's
kernels: the imports that are gone, became GPL-only, moved into a namespace it does not import, or
are provided by another module, and whether it then builds and loads. CRCs, vermagic and depends=
are remade by the rebuild and not reported. The module's own kernel is the one its vermagic names.

Examples:
  kmodaudit upgrade ./vendor-driver.ko --to 6.12   # the newest 6.12 build of its flavour
  kmodaudit upgrade /lib/modules/$(uname -r)/updates --to latest --format json
  kmodaudit upgrade ./nvidia.ko --to 6.12.118+deb12-amd64 --to 7.2 --fail-on error

Exit codes as for scan: 0 clean, 1 findings at or above --fail-on on some target, 2 audit incomplete.`;

interface UpgradeFlags extends ReportFlags {
  to: string[];
}

/** kmodaudit upgrade PATH... --to RELEASE...: what breaks on the next kernel. */
export function addUpgradeCommand(program: Command): void {
  const command = program
    .command("upgrade")
    .description("Judge modules against newer kernels of the embedded database: will they still build and load?")
    .argument("<path...>", "module files, directories, packages or images, as for scan")
    .option(
      "--to <release>",
      "target kernel: a release (6.12.118+deb12-amd64), a series (6.12: its newest build) or latest (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    );
  withReportOptions(withTableOptions(command))
    .addHelpText("after", HELP)
    .action(async (paths: string[], flags: UpgradeFlags, cmd: Command) => {
      if (flags.to.length === 0)
        throw new UsageError("upgrade: give at least one --to RELEASE (or a series such as 6.12, or latest)");
      checkWritable(flags.output, "--output");
      const config = configFor(flags);
      const hash = AUDIT_REPORTERS[flags.format].hashes;
      const checked = await withProgress(flags, (onProgress) =>
        upgrade(paths, {
          ...scanOptions(flags, config),
          hash,
          onProgress,
          to: flags.to,
          listSkippedMembers: flags.listSkipped === true,
        }),
      );
      await reportAudit(checked, flags, cmd, config, paths);
    });
}
