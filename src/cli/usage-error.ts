import { readRegularFileSync } from "../engine/inspect-file.js";

/** A mistake in how kmodaudit was run: its message says what to do instead (exit code 2). */
export class UsageError extends Error {}

/** Larger than any config or baseline a person keeps: past it, the file is not one. */
const TEXT_LIMIT = 64 << 20;

/**
 * A text file the user named; one that cannot be read is a usage error saying what to do. Read as
 * the scan reads modules (readRegularFileSync): regular files only, opened without blocking and
 * bounded, so a FIFO or a device (/dev/zero) named by mistake or by an attacker's config can
 * neither hang nor fill memory.
 */
export function readText(file: string, what: string, hint: string): string {
  const read = readRegularFileSync(file, true, TEXT_LIMIT);
  if ("bytes" in read) return read.bytes.toString("utf8");
  if ("skip" in read)
    throw new UsageError(`${what} ${file} is not a regular file (a device, FIFO or directory): ${hint}`);
  throw new UsageError(`${what} ${file} cannot be read (${read.code ?? read.error}): ${hint}`);
}
