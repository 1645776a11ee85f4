import { archiveMembers, sniffArchive } from "../bytes/archive.js";
import { decompress } from "../bytes/sniff.js";
import type { OutputBuffer } from "../bytes/output-buffer.js";
import type { Compression } from "../core/facts.js";
import { FormatError } from "../core/errors.js";
import { inspectDecompressed, type InspectOptions, type Inspection, type ParseSetup } from "./facts.js";
import { type Outcome, type InputResult, errorOutcome } from "../core/outcome.js";

export const toOutcome = (r: Inspection): Outcome =>
  r.outcome === "facts"
    ? { kind: "facts", facts: r.facts, bytes: r.bytes }
    : { kind: "skipped", reason: r.reason, bytes: r.bytes };

/**
 * Opens one input by content, all the way down: compression, then archives (tar, cpio including
 * concatenated initramfs segments, ar/.deb, RPM) inside one another, to the ELF objects at the leaves.
 * A member's path is its provenance chain joined by "!/". A damaged archive is an error at its own
 * path; the members read before the damage stay.
 */
export function inspectInput(input: Buffer, options: InspectOptions): Promise<InputResult> {
  return inspectInputWith(input, options, {});
}

/** inspectInput, run as `setup` says; `into`: where the input's own decompressed bytes may go. */
export async function inspectInputWith(
  input: Buffer,
  options: InspectOptions,
  setup: ParseSetup,
  into?: OutputBuffer,
): Promise<InputResult> {
  const result: InputResult = { members: [] };
  let spare = into;
  let members = 0;
  const open = async (bytes: Buffer, path: string, depth: number): Promise<void> => {
    const report = (outcome: Outcome) =>
      path === "" ? (result.self = outcome) : result.members.push({ path, outcome });
    let plain: Buffer;
    let compression: Compression | null;
    try {
      // Only the first decoding (the input itself) may use the caller's buffer: what is decoded
      // later — members, a cpio's next segment — are views of bytes that must stay intact meanwhile.
      const target = spare;
      spare = undefined;
      ({ bytes: plain, compression } = await decompress(bytes, options.limits, target));
    } catch (e) {
      return void report(errorOutcome(e));
    }
    const kind = sniffArchive(plain);
    if (!kind) {
      try {
        return void report(toOutcome(inspectDecompressed(plain, compression, options, setup)));
      } catch (e) {
        return void report(errorOutcome(e));
      }
    }
    if (depth >= options.limits.maxContainerDepth)
      return void report({
        kind: "error",
        message: `${kind} archive nested more than ${options.limits.maxContainerDepth} deep (--max-container-depth)`,
      });
    const before = result.members.length + (result.self ? 1 : 0);
    try {
      const { members: list, rest } = archiveMembers(kind, plain);
      for (const m of list) {
        if (!m.regular) continue; // directories, links and devices hold no module
        if (++members > options.limits.maxMembers)
          throw new FormatError(
            `${kind} archive`,
            m.offset,
            `more than ${options.limits.maxMembers} members (--max-members)`,
          );
        const name = m.name.replace(/^(\.\/|\/)+/, "");
        await open(m.data, path === "" ? name : `${path}!/${name}`, depth + 1);
      }
      if (rest) await open(rest, path, depth);
    } catch (e) {
      report(errorOutcome(e));
    }
    // An archive that holds no file at all is still a file the scan reached.
    if (result.members.length + (result.self ? 1 : 0) === before)
      report({ kind: "skipped", reason: `${kind} archive holding no files`, bytes: plain.length });
  };
  await open(input, "", 0);
  return result;
}
