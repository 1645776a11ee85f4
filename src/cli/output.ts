import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { notJudgedLines, type ScanResult } from "../index.js";
import type { RenderContext, Reporter } from "../report/registry.js";
import { reportWidth } from "./report-width.js";
import { UsageError } from "./usage-error.js";

/**
 * Refuses, before anything is scanned, a report file that could not be written: a scan of a large
 * tree should not end in a bare ENOENT.
 */
export function checkWritable(file: string | undefined, what: string): void {
  if (file === undefined) return;
  const dir = dirname(resolve(file));
  const problem = (() => {
    try {
      const target = statSync(file, { throwIfNoEntry: false });
      if (target?.isDirectory()) return "it is a directory: give a file name";
      const parent = statSync(dir, { throwIfNoEntry: false });
      if (!parent) return `directory ${dir} does not exist: create it, or give another path`;
      if (!parent.isDirectory()) return `${dir} is not a directory`;
      accessSync(target ? file : dir, constants.W_OK);
      return null;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return `cannot be written (${err.code ?? err.message})`;
    }
  })();
  if (problem) throw new UsageError(`${what} ${file}: ${problem}; nothing was scanned`);
}

/** The report, to --output FILE or to stdout. */
export function emit(text: string, output: string | undefined): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}

function colorWanted(): boolean {
  return Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "");
}

/**
 * What a reporter asks of where its report goes: the columns it may take (a file has no terminal
 * to ask) and whether to paint (never into a file).
 */
export function terminalContext(
  reporter: Pick<Reporter<unknown>, "fitsWidth" | "paints">,
  output: string | undefined,
): RenderContext {
  return {
    ...(reporter.paints ? { color: !output && colorWanted() } : {}),
    ...(reporter.fitsWidth ? { width: reportWidth(output ? null : process.stdout, process.env) } : {}),
  };
}

/** What could not be judged, on stderr whatever the format: a CI log shows why the exit code is 2. */
export function warnNotJudged(result: Pick<ScanResult, "notJudged">): void {
  for (const line of notJudgedLines(result)) process.stderr.write(`kmodaudit: ${line}\n`);
}
