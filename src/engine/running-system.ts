import { readFile, readdir, stat } from "node:fs/promises";
import { release as unameRelease } from "node:os";
import { dirname, join } from "node:path";
import type { AuditedModule, ScanResult } from "../core/results.js";
import { normalizeModuleName } from "../resolve/identity.js";
import { scan, type ScanOptions } from "./scan.js";
import { parseProcModules } from "../system/proc-modules.js";
import { decodeKernelTaint } from "../system/taint.js";
import type { RunningSystem } from "../core/running.js";
import { compareCodeUnits } from "../core/order.js";

export interface RunningSystemOptions extends ScanOptions {
  /** The system's root directory, whose lib/modules/<release> is audited (default "/"). */
  root?: string;
  /** Where proc is mounted: modules, sys/kernel/tainted and sys/kernel/osrelease are read there (default "/proc"). */
  proc?: string;
  /** The running kernel's release (default: PROC/sys/kernel/osrelease, else uname's). */
  release?: string;
}

/** The running kernel's module tree is not on this system; the message says what to do instead. */
export class NoModuleTreeError extends Error {
  override readonly name = "NoModuleTreeError";
  constructor(
    readonly release: string,
    readonly tree: string,
    /** Releases that do have a tree under ROOT/lib/modules. */
    readonly available: string[],
  ) {
    super(
      `no module tree for the running kernel ${release}: ${tree} does not exist` +
        (available.length ? ` (trees here: ${available.join(", ")})` : "") +
        `. Its modules are not installed on this system (a container, or a kernel booted from elsewhere). ` +
        `Audit a tree instead with: kmodaudit scan ${join(dirname(tree), available[0] ?? "<version>")}` +
        `, or point at a mounted system with --root DIR.`,
    );
  }
}

async function readText(file: string): Promise<string | NodeJS.ErrnoException> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
}

const reason = (e: NodeJS.ErrnoException) => e.code ?? e.message;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Which file modprobe would have loaded for each name: depmod searches updates/ before the rest of
 * the tree, so a module there wins over the distribution's copy of the same name. `tree`: what the
 * paths start with, when they are not relative to the running kernel's tree.
 */
function filesByName(modules: readonly AuditedModule[], tree: string): Map<string, string> {
  const rank = (p: string) => (p.startsWith(`${tree}updates/`) ? 0 : 1);
  const candidates = modules
    .filter((m) => m.kind === "module" && !m.path.includes("!/")) // archive members are never loaded
    .map((m) => ({ key: normalizeModuleName(m.name), path: m.path }))
    .sort((a, b) => rank(a.path) - rank(b.path) || compareCodeUnits(a.path, b.path));
  const byName = new Map<string, string>();
  for (const c of candidates) if (!byName.has(c.key)) byName.set(c.key, c.path);
  return byName;
}

/**
 * Audits the running kernel: its module tree ROOT/lib/modules/<release> (with the export table the
 * scan finds for it; the other kernels installed there too, each on its own, the running one
 * marked in ScanResult.kernels), and the modules it has loaded, each matched to its file by normalised name,
 * with the module and kernel taint explained. Throws NoModuleTreeError when the tree is absent.
 */
export async function auditRunningSystem(
  options: RunningSystemOptions = {},
): Promise<ScanResult & { running: RunningSystem }> {
  const { root = "/", proc = "/proc", release: given, ...scanOptions } = options;
  const osrelease = await readText(join(proc, "sys/kernel/osrelease"));
  const runningRelease = typeof osrelease === "string" ? osrelease.trim() : "";
  const release = given ?? (runningRelease || unameRelease());
  const modulesDir = join(root, "lib/modules");
  const tree = join(modulesDir, release);
  const names = await readdir(modulesDir).catch(() => [] as string[]);
  const available: string[] = [];
  for (const n of names.sort()) if (await isDirectory(join(modulesDir, n))) available.push(n);
  if (!(await isDirectory(tree))) throw new NoModuleTreeError(release, tree, available);
  // A directory a removed kernel left behind (modules.* files, no kernel/) is no kernel to audit.
  const installed: string[] = [];
  for (const n of available) if (n === release || (await isDirectory(join(modulesDir, n, "kernel")))) installed.push(n);
  // The other kernels installed are audited too, each against its own tables (design.md: a kernel
  // is the unit of resolution); with the running kernel's tree alone, the scan is that tree's.
  const trees = installed.length > 1 ? installed.map((n) => join(modulesDir, n)) : [tree];

  const notes: string[] = [];
  if (given !== undefined && runningRelease !== "" && given !== runningRelease) {
    notes.push(
      `${given} is not the kernel running here (${runningRelease}): ` +
        "the loaded modules and taint shown are the running kernel's.",
    );
  }
  const procModules = join(proc, "modules");
  const modulesText = await readText(procModules);
  const parsed = typeof modulesText === "string" ? parseProcModules(modulesText) : null;
  if (parsed === null)
    notes.push(
      `${procModules} cannot be read (${reason(modulesText as NodeJS.ErrnoException)}): ` +
        "the kernel has no loadable-module support, or proc is not mounted there; loaded modules are not listed.",
    );
  const taintFile = join(proc, "sys/kernel/tainted");
  const taintText = await readText(taintFile);
  const tainted = typeof taintText === "string" ? decodeKernelTaint(taintText) : null;
  if (typeof taintText !== "string")
    notes.push(`${taintFile} cannot be read (${reason(taintText)}): the kernel's taint is unknown.`);
  else if (tainted === null) notes.push(`${taintFile} does not hold a number: the kernel's taint is unknown.`);

  const result = await scan(trees, { ...scanOptions, kernelRelease: scanOptions.kernelRelease ?? release });
  const several = result.kernels.length > 1;
  const byName = filesByName(
    several ? result.modules.filter((m) => m.kernel === release) : result.modules,
    trees.length > 1 ? `${tree}/` : "",
  );
  const loaded =
    parsed?.modules
      .map((m) => ({ ...m, path: byName.get(normalizeModuleName(m.name)) ?? null }))
      .sort((a, b) => compareCodeUnits(a.name, b.name)) ?? null;
  // Lines the kernel would never write: said in the notes, not as scan errors (they are no file's).
  for (const p of parsed?.problems ?? []) notes.push(`${procModules} line ${p.line} is ignored: ${p.message}.`);
  const kernels = result.kernels.map((k) => (!several || k.release === release ? { ...k, running: true } : k));
  return { ...result, kernels, running: { release, tree, tainted, loaded, notes } };
}
