import { errorOutcome, type Outcome } from "../../core/outcome.js";
import type { FileError } from "../../core/results.js";

/** An error outcome as the report lists it. */
export function fileError(path: string, o: Extract<Outcome, { kind: "error" }>): FileError {
  return {
    path,
    message: o.message,
    ...(o.structure ? { structure: o.structure } : {}),
    ...(o.offset === undefined ? {} : { offset: o.offset }),
  };
}

export const errorOf = (path: string, e: unknown): FileError => fileError(path, errorOutcome(e));
