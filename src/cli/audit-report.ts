import { statSync } from "node:fs";
import { type Command, Option } from "commander";
import { applyPolicy, type KmodauditConfig, parseBaseline, type ScanResult } from "../index.js";
import { AUDIT_REPORTERS, type AuditFormat } from "../report/registry.js";
import { exitCodeFor, type FailOn } from "./exit-code.js";
import { formatOption, type TableFlags } from "./options.js";
import { emit, terminalContext, warnNotJudged } from "./output.js";
import { readText } from "./usage-error.js";

/** The flags of the commands that report an audit (scan, and system). */
export interface ReportFlags extends TableFlags {
  format: AuditFormat;
  failOn: FailOn;
  all?: boolean;
  listSkipped?: boolean;
  /** --baseline FILE, or false for --no-baseline. */
  baseline?: string | false;
}

/** Options of the commands that report an audit (scan, and system): format, gate, baseline. */
export function withReportOptions(cmd: Command): Command {
  return cmd
    .addOption(formatOption(AUDIT_REPORTERS, "output format (html: one self-contained page, best with --output FILE)"))
    .addOption(
      new Option("--fail-on <level>", "exit 1 when a finding is at or above this severity")
        .choices(["error", "warning", "info", "none"])
        .default("error"),
    )
    .option("--all", "table, html: list every module, not only those with findings")
    .option("--list-skipped", "json: list archive members that are not modules too (always counted in the summary)")
    .option(
      "--baseline <file>",
      "suppress the findings recorded in this baseline (see: kmodaudit baseline write) and list its stale entries",
    )
    .option("--no-baseline", "ignore the baseline named in the config file");
}

/**
 * The directory report paths are relative to: the one directory scanned, if that is what was
 * scanned (as walk.ts shows paths).
 */
function scannedDirectory(paths: string[]): string | undefined {
  return paths.length === 1 && statSync(paths[0]!, { throwIfNoEntry: false })?.isDirectory() ? paths[0] : undefined;
}

/** SOURCE_DATE_EPOCH (reproducible-builds.org), the one way a report is asked to carry a date. */
function sourceDateEpoch(): { timestamp?: Date } {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || !/^\d+$/.test(epoch)) return {};
  return { timestamp: new Date(Number(epoch) * 1000) };
}

/** Applies the config's severities and the baseline, writes the report in its format, sets the exit code. */
export async function reportAudit(
  scanned: ScanResult,
  flags: ReportFlags,
  cmd: Command,
  config: KmodauditConfig | null,
  paths: string[],
): Promise<void> {
  const failOn = cmd.getOptionValueSource("failOn") === "cli" ? flags.failOn : (config?.failOn ?? flags.failOn);
  const baselineFile = flags.baseline === false ? undefined : (flags.baseline ?? config?.baseline);
  const baseline =
    baselineFile === undefined
      ? undefined
      : parseBaseline(
          readText(
            baselineFile,
            "baseline",
            `create it with: kmodaudit baseline write ${baselineFile} PATH… --justification TEXT`,
          ),
          baselineFile,
        );
  const result = applyPolicy(scanned, {
    ...(baseline ? { baseline: { file: baselineFile!, baseline } } : {}),
    ...(config ? { severity: config.rules } : {}),
  });
  const reporter = AUDIT_REPORTERS[flags.format];
  const text = reporter.render(result, {
    all: flags.all,
    listSkipped: flags.listSkipped,
    failOn,
    ...(reporter.relativeToRoot ? { root: scannedDirectory(paths) } : {}),
    ...sourceDateEpoch(),
    ...terminalContext(reporter, flags.output),
  });
  await emit(text, flags.output);
  warnNotJudged(result);
  const stale = result.baseline?.stale.length ?? 0;
  // The table shows stale entries itself; other formats may not, and CI logs should still say so.
  if (stale > 0 && (!reporter.showsStale || flags.output)) {
    process.stderr.write(
      `kmodaudit: warning: ${stale} baseline ${stale === 1 ? "entry matches" : "entries match"} no finding any more: ` +
        `remove ${stale === 1 ? "it" : "them"} from ${baselineFile} (listed in the report's baseline.stale)\n`,
    );
  }
  process.exitCode = exitCodeFor(result, failOn);
}
