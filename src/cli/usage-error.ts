import { readFileSync } from "node:fs";

/** A mistake in how kmodaudit was run: its message says what to do instead (exit code 2). */
export class UsageError extends Error {}

/** A text file the user named; one that cannot be read is a usage error saying what to do. */
export function readText(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): ${hint}`);
  }
}
