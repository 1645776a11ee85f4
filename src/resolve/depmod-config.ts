/*
 * depmod.d as kmod's depmod reads it (tools/depmod.c: cfg_load, cfg_file_parse), for the choice of
 * which copy of a module counts when a tree holds several of the same name.
 */
import { compareCodeUnits } from "../core/order.js";

/** The directories depmod reads, most trusted first; a file name seen in one hides it in the later ones. */
export const DEPMOD_CONFIG_DIRS = [
  "etc/depmod.d",
  "run/depmod.d",
  "usr/local/lib/depmod.d",
  "usr/lib/depmod.d",
  "lib/depmod.d",
] as const;

/** A configuration file as found: its directory (one of DEPMOD_CONFIG_DIRS), name and text. */
export interface DepmodConfigFile {
  dir: string;
  name: string;
  text: string;
}

export type DepmodSearch = { kind: "path"; path: string } | { kind: "built-in" } | { kind: "external" };

export interface DepmodConfig {
  /** `search` entries in the order read: the first has the highest priority. */
  searches: DepmodSearch[];
  /** `override` lines for this release, in the order read, as `<subdir>/<modname>` (no extension). */
  overrides: string[];
  /** `exclude` directory names: depmod does not descend into them. */
  excludes: string[];
  /** The files that said it, `dir/name`, in the order read (empty: depmod's own default). */
  files: string[];
}

/** Without any `search` line, depmod searches `updates` first (cfg_load's backward-compatible default). */
export const DEFAULT_DEPMOD_CONFIG: DepmodConfig = {
  searches: [{ kind: "path", path: "updates" }],
  overrides: [],
  excludes: [],
  files: [],
};

/**
 * The files depmod parses, in its order: by name (byte order), a name taken from the first directory
 * of DEPMOD_CONFIG_DIRS that has it; only `*.conf` names not starting with a dot count.
 */
export function depmodFilesInOrder(files: readonly DepmodConfigFile[]): DepmodConfigFile[] {
  const byName = new Map<string, DepmodConfigFile>();
  const rank = (dir: string) => {
    const i = (DEPMOD_CONFIG_DIRS as readonly string[]).indexOf(dir);
    return i < 0 ? DEPMOD_CONFIG_DIRS.length : i;
  };
  for (const f of files) {
    if (f.name.startsWith(".") || f.name.length < 6 || !f.name.endsWith(".conf")) continue;
    const seen = byName.get(f.name);
    if (!seen || rank(f.dir) < rank(seen.dir)) byName.set(f.name, f);
  }
  return [...byName.values()].sort((a, b) => compareCodeUnits(a.name, b.name));
}

/** depmod's lines: a backslash at the end of a line continues it (freadline_wrapped). */
function* logicalLines(text: string): Generator<string> {
  let pending = "";
  for (const raw of text.split("\n")) {
    if (raw.endsWith("\\")) {
      pending += raw.slice(0, -1);
      continue;
    }
    yield pending + raw;
    pending = "";
  }
  if (pending) yield pending;
}

/** Whether an `override`/`external` line's kernel pattern matches: `*`, or an extended regex searched in the release. */
export function kernelMatches(pattern: string, release: string): boolean {
  if (pattern === "*") return true;
  try {
    return new RegExp(pattern).test(release);
  } catch {
    return false; // regcomp failed: depmod treats the line as not matching
  }
}

/** The configuration the files say for one release, parsed as depmod parses them. */
export function parseDepmodConfig(files: readonly DepmodConfigFile[], release: string): DepmodConfig {
  const config: DepmodConfig = { searches: [], overrides: [], excludes: [], files: [] };
  for (const f of depmodFilesInOrder(files)) {
    config.files.push(`${f.dir}/${f.name}`);
    for (const line of logicalLines(f.text)) {
      if (line === "" || line.startsWith("#")) continue;
      const [cmd, ...args] = line.split(/[\t ]+/).filter(Boolean);
      if (cmd === "search") {
        for (const p of args)
          config.searches.push(p === "built-in" || p === "external" ? { kind: p } : { kind: "path", path: p });
      } else if (cmd === "override") {
        const [modname, version, subdir] = args;
        if (modname && version && subdir && kernelMatches(version, release))
          config.overrides.push(`${subdir}/${modname}`);
      } else if (cmd === "exclude") config.excludes.push(...args);
    }
  }
  if (config.searches.length === 0) config.searches.push(...DEFAULT_DEPMOD_CONFIG.searches);
  return config;
}
