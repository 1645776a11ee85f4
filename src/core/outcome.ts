import { errorMessage, FormatError } from "./errors.js";
import type { ObjectFacts } from "./facts.js";

/* What became of an input as it was opened: facts, a reason it holds none, or the error that stopped it. */

/** What became of one input, or of one member inside it. */
export type Outcome =
  | { kind: "facts"; facts: ObjectFacts; bytes: number }
  | { kind: "skipped"; reason: string; bytes?: number }
  | { kind: "error"; message: string; structure?: string; offset?: number };

export interface InputResult {
  /** The input itself, when it is not an archive. */
  self?: Outcome;
  /** Archive members, each by its provenance below the input ("data.tar.xz!/lib/modules/…/x.ko"). */
  members: { path: string; outcome: Outcome }[];
  /** Members that are no module, counted instead of listed (InspectOptions.listSkippedMembers false). */
  counted?: CountedSkips;
}

/** Skipped archive members as a count: how many, the bytes decoded to pass them, and the first of them. */
export interface CountedSkips {
  count: number;
  bytes: number;
  first: { path: string; reason: string };
}

export function errorOutcome(e: unknown): Extract<Outcome, { kind: "error" }> {
  if (e instanceof FormatError)
    return {
      kind: "error",
      message: e.message,
      structure: e.structure,
      ...(e.offset === undefined ? {} : { offset: e.offset }),
    };
  // Not a property of the input: a defect in kmodaudit. Still a per-file error, never a crash.
  return { kind: "error", message: `internal error: ${errorMessage(e)}` };
}

/** Every facts an input yielded, its own and its members'. */
export function factsIn(r: InputResult): ObjectFacts[] {
  const out: ObjectFacts[] = [];
  if (r.self?.kind === "facts") out.push(r.self.facts);
  for (const m of r.members) if (m.outcome.kind === "facts") out.push(m.outcome.facts);
  return out;
}
