import { normalize } from "node:path";
import {
  type AuditedModule,
  countedSkips,
  type FileError,
  type NotJudged,
  type NotJudgedCode,
  type ScanResult,
  type SkipCount,
  type SkippedFile,
} from "../core/results.js";
import type { TableSource } from "../core/kernel.js";
import { releaseOfVermagic } from "../resolve/release.js";
import type { ExportTable } from "../resolve/symvers.js";
import { compareCodeUnits, sortedUnique } from "../core/order.js";
import { plural } from "../core/plural.js";

/**
 * What a scan was asked to judge and could not, though no file failed: a path given from which not
 * one module or blob was audited, a table that lists no exports or no export types, or imports
 * of the kernel's exports with no kernel table at all to judge them against. Pure: the scan hands
 * over what it found.
 */
export interface NotJudgedInput {
  paths: readonly string[];
  modules: readonly AuditedModule[];
  errors: readonly FileError[];
  skipped: readonly SkippedFile[];
  /** Archive members skipped and only counted, per input. */
  skipCounts?: readonly SkipCount[];
  /** The tables given or found that loaded, in order of trust. */
  tables: readonly { source: TableSource; table: ExportTable }[];
  /**
   * Whether any table was given or found, loaded or not: the tables then answer for the kernel, not the
   * embedded database.
   */
  tablesWanted: boolean;
  /** The embedded database: turned off, or tried and no object matched a release of it, or used. */
  embedded: "off" | "unmatched" | "used";
  /** The release the caller named as the target kernel, if any. */
  kernelRelease: string | null;
  /**
   * With several kernels in the scan, each kernel's own: whether a kernel table was judged by is
   * asked of each kernel (its modules, tables and embedded database), not of the whole scan.
   */
  kernels?: readonly Pick<NotJudgedInput, "modules" | "tablesWanted" | "embedded" | "kernelRelease">[];
  /** Notices the scan made itself (a table that fits no kernel of the scan). */
  extra?: readonly NotJudged[];
}

/** Codes that say the kernel's exports were not known: reporters then leave out their generic "pass --symvers" hint. */
export const TABLE_CODES: ReadonlySet<NotJudgedCode> = new Set([
  "empty-table",
  "table-without-export-types",
  "no-kernel-table",
]);

/** Incomplete: a file could not be read, or something asked for could not be judged (exit code 2). */
export function auditIncomplete(result: Pick<ScanResult, "errors" | "notJudged">): boolean {
  return result.errors.length > 0 || result.notJudged.length > 0;
}

/** At most three of `items`, then how many more. */
function some(items: readonly string[]): string {
  return items.length <= 3 ? items.join(", ") : `${items.slice(0, 3).join(", ")} and ${items.length - 3} more`;
}

/**
 * Whether a result path came from the path given: a scan of one path shows paths relative to it
 * (walk.ts), a scan of several shows them under each path as given (a directory normalised),
 * archive members as `file!/member`.
 */
function fromPath(root: string, single: boolean): (p: string) => boolean {
  if (single) return () => true;
  const dir = normalize(root);
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return (p) => p === root || p.startsWith(`${root}!/`) || p.startsWith(prefix);
}

/**
 * The file part of every path, and each directory above it: a path given is covered when it is
 * one of them. A set rather than a scan of every result per path given, whose cost grows as the
 * product of the two when thousands of module files are named on the command line.
 */
function coveredPaths(paths: Iterable<string>): Set<string> {
  const covered = new Set<string>();
  for (const p of paths) {
    const file = p.split("!/", 1)[0]!;
    covered.add(file);
    for (let i = file.lastIndexOf("/"); i >= 0; i = i === 0 ? -1 : file.lastIndexOf("/", i - 1))
      covered.add(i === 0 ? "/" : file.slice(0, i));
  }
  return covered;
}

/** A directory given, as coveredPaths spells it: normalised, without a trailing slash (but "/"). */
const dirKey = (root: string) => normalize(root).replace(/(.)\/+$/, "$1");

function unaudited(input: NotJudgedInput): NotJudged[] {
  const { paths, modules, errors, skipped } = input;
  if (paths.length === 0) return [{ code: "nothing-to-audit", message: "no path was given; nothing was audited" }];
  // Files that could not be read say so themselves, as errors.
  const covered = paths.length === 1 ? null : coveredPaths([...modules, ...errors].map((x) => x.path));
  const single = paths.length === 1 && (modules.length > 0 || errors.length > 0);
  const skippedAt = new Map(skipped.filter((s) => !s.member).map((s) => [s.path, s]));
  const out: NotJudged[] = [];
  for (const root of paths) {
    if (single || covered?.has(root) || covered?.has(dirKey(root))) continue;
    const mine = fromPath(root, paths.length === 1);
    const own = skippedAt.get(root);
    if (own) {
      out.push({
        code: "not-a-module",
        path: root,
        message: `not a module or blob: ${own.reason}; nothing was audited`,
      });
      continue;
    }
    const passed = skipped.filter((s) => mine(s.path));
    const counted = (input.skipCounts ?? []).filter((c) => mine(c.path));
    const members = passed.filter((s) => s.member).length + countedSkips(counted);
    const files = passed.filter((s) => !s.member).length;
    const what = [
      ...(files ? [plural(files, "file")] : []),
      ...(members ? [plural(members, "archive member")] : []),
    ].join(" and ");
    const first = passed.find((s) => !s.member) ?? passed[0] ?? counted[0]?.first;
    out.push({
      code: "nothing-to-audit",
      path: root,
      message: first
        ? `no module or blob among its ${what}, all skipped (e.g. ${first.path}: ${first.reason}); nothing was audited`
        : "no files in it; nothing was audited",
    });
  }
  return out;
}

function tableNotices(input: NotJudgedInput): NotJudged[] {
  const out: NotJudged[] = [];
  for (const { source, table } of input.tables) {
    if (table.exports.length === 0) {
      out.push({
        code: "empty-table",
        path: source.file,
        message: `${table.emptyBecause ?? "this export table lists no exports"}; nothing was judged against it`,
      });
    } else if (!table.hasExportTypes) {
      const untyped = table.exports.filter((e) => e.type === null).length;
      out.push({
        code: "table-without-export-types",
        path: source.file,
        message:
          `${plural(untyped, "export")} without an export type (a Module.symvers of Linux before 2.6.18 has ` +
          `only three columns), so whether they are GPL-only is unknown and their use was not judged`,
      });
    }
  }
  return out;
}

/** Non-weak imports nothing in the scan or a table provides (the loader would refuse those). */
const unprovided = (m: AuditedModule) => m.imports.filter((i) => !i.provider && !i.weak).map((i) => i.symbol);

/**
 * Linux modules and blobs that import what only the kernel can provide, judged with no kernel
 * table. With the embedded database in use, a module of a release it cannot stand in for is such
 * a module: with a table its unprovided imports would be `unresolved` (audit.ts); blobs then share
 * the largest group's table.
 */
function noKernelTable(
  input: Pick<NotJudgedInput, "modules" | "tablesWanted" | "embedded" | "kernelRelease">,
): NotJudged[] {
  if (input.tablesWanted) return [];
  const unjudged = input.modules.filter(
    (m) =>
      m.facts.dialect === "linux" &&
      unprovided(m).length > 0 &&
      (input.embedded !== "used" || (m.kind === "module" && m.unresolved.length === 0)),
  );
  if (unjudged.length === 0) return [];
  const symbols = new Set(unjudged.flatMap(unprovided));
  const mods = unjudged.filter((m) => m.kind === "module").length;
  const blobs = unjudged.length - mods;
  const who = [...(mods ? [plural(mods, "module")] : []), ...(blobs ? [plural(blobs, "blob")] : [])].join(" and ");
  let why: string;
  if (input.embedded === "off") why = "the embedded database was turned off with --no-embedded";
  else {
    const releases = input.kernelRelease
      ? [input.kernelRelease]
      : sortedUnique(
          unjudged.map((m) => (m.facts.vermagic ? releaseOfVermagic(m.facts.vermagic) : "")).filter(Boolean),
        );
    const nameless = input.kernelRelease ? 0 : unjudged.filter((m) => !m.facts.vermagic).length;
    why = [
      ...(releases.length
        ? [`the embedded database of Debian kernels has none to stand in for ${some(releases)}`]
        : []),
      ...(nameless
        ? [
            `${plural(nameless, "object")} name${nameless === 1 ? "s" : ""} no kernel release (no vermagic) ` +
              `to choose one by`,
          ]
        : []),
    ].join("; ");
  }
  return [
    {
      code: "no-kernel-table",
      message:
        `no kernel export table: ${who} import ${plural(symbols.size, "symbol")} no scanned module exports ` +
        `(${some([...symbols].sort())}), so whether they are GPL-only, or exported at all, was not judged ` +
        `(${why}); pass --symvers FILE with the target kernel's Module.symvers, or --vmlinux FILE or ` +
        `--system-map FILE`,
    },
  ];
}

/** Every notice for one scan, sorted by path (notices about the whole scan first), then code. */
export function notJudgedOf(input: NotJudgedInput): NotJudged[] {
  const kernels = input.kernels ? input.kernels.flatMap(noKernelTable) : noKernelTable(input);
  return [...unaudited(input), ...tableNotices(input), ...kernels, ...(input.extra ?? [])].sort(
    (a, b) => compareCodeUnits(a.path ?? "", b.path ?? "") || compareCodeUnits(a.code, b.code),
  );
}
