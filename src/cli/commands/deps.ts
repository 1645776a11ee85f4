import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { auditIncomplete, dependencyView, findModules, scan } from "../../index.js";
import { DEPENDENCY_REPORTERS, type DependencyFormat } from "../../report/registry.js";
import { EXIT } from "../exit-code.js";
import { collect, formatOption, scanOptions, type TableFlags, withProgress, withTableOptions } from "../options.js";
import { checkWritable, emit, terminalContext, warnNotJudged } from "../output.js";
import { UsageError } from "../usage-error.js";

interface DepsFlags extends TableFlags {
  tree: string[];
  kernel?: string;
  reverse?: boolean;
  format: DependencyFormat;
}

const HELP = `
Examples:
  kmodaudit deps drm_kms_helper --tree /lib/modules/$(uname -r)
  kmodaudit deps ./nvidia.ko --tree /lib/modules/$(uname -r) --format dot | dot -Tsvg > nvidia.svg
  kmodaudit deps drm --reverse --tree /lib/modules/6.1.0-56-amd64 --format mermaid

GPL-only edges are drawn red in dot and mermaid output.`;

/** kmodaudit deps MODULE: what a module depends on, or what depends on it. */
export function addDepsCommand(program: Command): void {
  const command = program
    .command("deps")
    .description(
      "Show what a module depends on (or, with --reverse, what depends on it), directly and transitively, " +
        "with the symbols each edge carries",
    )
    .argument("<module>", "a module file, or a module name or path inside --tree");
  withTableOptions(command)
    .option(
      "--tree <dir>",
      "module tree to resolve against (repeatable; default /lib/modules/$(uname -r) when <module> is a name)",
      collect,
      [] as string[],
    )
    .option("--reverse", "list the modules that depend on <module>")
    .option("--kernel <release>", "with several kernels in the trees: the kernel whose <module> to show")
    .addOption(formatOption(DEPENDENCY_REPORTERS, "output format"))
    .addHelpText("after", HELP)
    .action(showDeps);
}

async function showDeps(wanted: string, flags: DepsFlags): Promise<void> {
  checkWritable(flags.output, "--output");
  const trees = flags.tree.length ? flags.tree : existsSync(wanted) ? [] : [runningTree()];
  const paths = existsSync(wanted) && !trees.some((t) => wanted.startsWith(t)) ? [wanted, ...trees] : trees;
  const result = await withProgress(flags, (onProgress) =>
    scan(paths, { ...scanOptions(flags), onProgress, listSkippedMembers: false }),
  );
  const found = findModules(result, wanted, flags.kernel);
  if (found.length === 0) {
    const where = flags.kernel === undefined ? paths.join(", ") : `kernel ${flags.kernel} of ${paths.join(", ")}`;
    throw new UsageError(`no module "${wanted}" in ${where}: give a module file, or its name with --tree DIR`);
  }
  if (found.length > 1) {
    const kernels = found.map((m) => m.kernel ?? "(no release)").join(", ");
    throw new UsageError(`"${wanted}" is in several kernels of the scan (${kernels}): choose one with --kernel`);
  }
  const module = found[0]!;
  // A copy depmod ignores is found by its module name as the copy it keeps: say which is shown.
  const asGiven = (p: string) => [resolve(p), ...paths.map((t) => resolve(t, p))];
  const shadowed = result.skipped.find((s) => s.shadowedBy !== undefined && asGiven(s.path).includes(resolve(wanted)));
  if (shadowed)
    process.stderr.write(
      `kmodaudit: ${wanted} is shadowed by ${shadowed.shadowedBy}, the copy depmod uses; shown instead\n`,
    );
  const view = dependencyView(result, module, flags.reverse ? "dependents" : "dependencies");
  const reporter = DEPENDENCY_REPORTERS[flags.format];
  await emit(reporter.render(view, terminalContext(reporter, flags.output)), flags.output);
  for (const e of result.errors) process.stderr.write(`kmodaudit: ${e.path}: ${e.message}\n`);
  warnNotJudged(result);
  process.exitCode = auditIncomplete(result) ? EXIT.incomplete : EXIT.ok;
}

function runningTree(): string {
  const release = execFileSync("uname", ["-r"], { encoding: "utf8" }).trim();
  return `/lib/modules/${release}`;
}
