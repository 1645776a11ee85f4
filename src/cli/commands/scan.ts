import type { Command } from "commander";
import { scan } from "../../index.js";
import { AUDIT_REPORTERS } from "../../report/registry.js";
import { type ReportFlags, reportAudit, withReportOptions } from "../audit-report.js";
import { configFor, scanOptions, withProgress, withTableOptions } from "../options.js";
import { checkWritable } from "../output.js";

const HELP = `
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
or no export types, kernel imports with no kernel table; each is said on stderr and in the report).`;

/** kmodaudit scan PATH...: audits files and directories. */
export function addScanCommand(program: Command): void {
  const command = program
    .command("scan")
    .description(
      "Scan files and directories (recursively, by content) for kernel modules and blobs, " +
        "resolve their imports and report findings",
    )
    .argument(
      "<path...>",
      "module files (.ko, .ko.gz/.xz/.zst, vendor .o) and directories such as /lib/modules/<version>",
    );
  withReportOptions(withTableOptions(command))
    .addHelpText("after", HELP)
    .action(async (paths: string[], flags: ReportFlags, cmd: Command) => {
      checkWritable(flags.output, "--output");
      const config = configFor(flags);
      const hash = AUDIT_REPORTERS[flags.format].hashes;
      const scanned = await withProgress(flags, (onProgress) =>
        scan(paths, {
          ...scanOptions(flags, config),
          hash,
          onProgress,
          listSkippedMembers: flags.listSkipped === true,
        }),
      );
      await reportAudit(scanned, flags, cmd, config, paths);
    });
}
