import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";

/** A mistake in how kmodaudit was run: its message says what to do instead (exit code 2). */
export class UsageError extends Error {}

/** A text file the user named; one that cannot be read is a usage error saying what to do. */
/** Larger than any config or baseline a person keeps: past it, the file is not one. */
const TEXT_LIMIT = 64 << 20;

/**
 * A text file the user named; one that cannot be read is a usage error saying what to do. Regular
 * files only, opened without blocking: a FIFO or a device (/dev/zero) named by mistake or by an
 * attacker's config must not hang or fill memory.
 */
export function readText(file: string, what: string, hint: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): ${hint}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new UsageError(`${what} ${file} is not a regular file (a device, FIFO or directory): ${hint}`);
    if (st.size > TEXT_LIMIT)
      throw new UsageError(`${what} ${file} is ${st.size} bytes, more than the ${TEXT_LIMIT}-byte limit: ${hint}`);
    return readFileSync(fd, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): ${hint}`);
  } finally {
    closeSync(fd);
  }
}
