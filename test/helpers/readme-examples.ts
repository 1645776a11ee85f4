/** One command of a README example block and the output lines the README shows for it. */
export interface Example {
  /** 1-based line of the command in the README. */
  line: number;
  command: string;
  expected: string[];
}

export const ELISION = "…";

/**
 * The commands of the fenced blocks that start with `$ bin/kmodaudit`: each `$ ` line is a command,
 * the lines up to the next one are its output.
 */
export function parseExamples(markdown: string): Example[] {
  const lines = markdown.split("\n");
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```" || !lines[i + 1]?.startsWith("$ bin/kmodaudit")) continue;
    let current: Example | undefined;
    for (i++; i < lines.length && lines[i] !== "```"; i++) {
      const line = lines[i]!;
      if (line.startsWith("$ ")) out.push((current = { line: i + 1, command: line.slice(2), expected: [] }));
      else current!.expected.push(line);
    }
  }
  return out;
}

/**
 * Null when `actual` reads as `expected`: the runs of lines between `…` lines appear in order,
 * each line for line; without a `…` at the start (end) the output must start (end) with the run.
 * Otherwise what did not match.
 */
export function matchExample(expected: readonly string[], actual: readonly string[]): string | null {
  const runs: string[][] = [[]];
  for (const line of expected) {
    if (line === ELISION) runs.push([]);
    else runs[runs.length - 1]!.push(line.trimEnd());
  }
  const out = actual.map((l) => l.trimEnd());
  const openStart = expected[0] === ELISION;
  const openEnd = expected[expected.length - 1] === ELISION;
  let at = 0;
  for (const [k, run] of runs.entries()) {
    if (run.length === 0) continue;
    const fixedStart = k === 0 && !openStart;
    const found = fixedStart ? (startsAt(out, run, 0) ? 0 : -1) : findRun(out, run, at);
    if (found < 0)
      return `the README's lines from "${run[0]}" are not in the output${fixedStart ? " at its start" : at > 0 ? " after the lines before them" : ""}`;
    at = found + run.length;
  }
  if (!openEnd && at !== out.length) return `the output goes on after the README's last line: "${out[at]}"`;
  return null;
}

function startsAt(out: readonly string[], run: readonly string[], i: number): boolean {
  return run.every((line, j) => out[i + j] === line);
}

function findRun(out: readonly string[], run: readonly string[], from: number): number {
  for (let i = from; i + run.length <= out.length; i++) if (startsAt(out, run, i)) return i;
  return -1;
}
