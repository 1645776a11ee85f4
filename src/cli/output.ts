import { accessSync, closeSync, constants, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { once } from "node:events";
import { notJudgedLines, type ScanResult } from "../index.js";
import type { RenderContext, Reporter, ReportText } from "../report/registry.js";
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
      // A regular file is replaced by renaming a new one over it, which its directory must allow.
      accessSync(target && !target.isFile() ? file : dir, constants.W_OK);
      return null;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return `cannot be written (${err.code ?? err.message})`;
    }
  })();
  if (problem) throw new UsageError(`${what} ${file}: ${problem}; nothing was scanned`);
}

/**
 * Pieces are joined up to this size before a write: a write per module entry would be thousands of
 * calls. It stays under V8's large-object size, so each joined batch dies young; larger ones were
 * allocated as large objects, which only a full collection frees, and piled up while the report
 * was written.
 */
const WRITE_BATCH = 1 << 16;

function* batched(text: ReportText): Generator<string> {
  if (typeof text === "string") {
    yield text;
    return;
  }
  let parts: string[] = [];
  let size = 0;
  for (const part of text) {
    parts.push(part);
    size += part.length;
    if (size >= WRITE_BATCH) {
      yield parts.join("");
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield parts.join("");
}

function writeInto(file: string, text: ReportText): void {
  const fd = openSync(file, "w");
  try {
    for (const piece of batched(text)) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes to a new file beside FILE, renamed over it once whole: a scan that fails half-way through
 * its report leaves the previous report as it was, not a truncated one.
 */
function writeFileWhole(file: string, text: ReportText): void {
  const target = statSync(file, { throwIfNoEntry: false });
  // A device or pipe (-o /dev/stdout) is written in place: renaming over it would replace it.
  if (target && !target.isFile()) {
    writeInto(file, text);
    return;
  }
  const partial = join(dirname(resolve(file)), `.${basename(file)}.kmodaudit-${process.pid}.partial`);
  try {
    writeInto(partial, text);
    renameSync(partial, file);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/**
 * The report, to --output FILE or to stdout. A report given in pieces is written as it is made,
 * waiting whenever the reader of stdout is behind, so it is never held whole.
 */
export async function emit(text: ReportText, output: string | undefined): Promise<void> {
  if (output) {
    writeFileWhole(output, text);
    return;
  }
  for (const piece of batched(text)) if (!process.stdout.write(piece)) await once(process.stdout, "drain");
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
