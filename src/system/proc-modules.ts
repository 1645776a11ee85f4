/**
 * /proc/modules, one line per module, as m_show() in kernel/module/procfs.c (kernel/module.c before
 * 5.19) writes it:
 *
 *   name size refcount deps state address [(taint)]
 *   nvidia 56807424 71 nvidia_modeset,nvidia_uvm, Live 0x0000000000000000 (POE)
 *
 * `deps` is the modules using this one, each followed by a comma, plus `[permanent],` for a module
 * that cannot be unloaded, or `-`. Without CONFIG_MODULE_UNLOAD refcount and deps are both `-`.
 * The taint letters are module_flags(): the module's taint flags, and before 6.x a `+` (loading)
 * or `-` (unloading) inside the same parentheses.
 */
export interface LoadedModule {
  name: string;
  /** Bytes of memory the module occupies. */
  size: number;
  /** null when the kernel does not count references (no CONFIG_MODULE_UNLOAD). */
  refcount: number | null;
  /** Modules that use this one, sorted. */
  usedBy: string[];
  /** Has an init but no exit function: it can never be unloaded. */
  permanent: boolean;
  state: "live" | "loading" | "unloading";
  /** The module's taint letters, e.g. "POE"; "" when untainted. */
  taint: string;
}

export interface ProcModules {
  modules: LoadedModule[];
  /** Lines that are not in the format above, with their 1-based number. */
  problems: { line: number; message: string }[];
}

const STATES: Record<string, LoadedModule["state"]> = { Live: "live", Loading: "loading", Unloading: "unloading" };

function parseLine(line: string): LoadedModule | string {
  const f = line.trim().split(/\s+/);
  if (f.length < 6 || f.length > 7) return `expected 6 or 7 fields (name size refcount deps state address [(taint)]), found ${f.length}`;
  const [name, size, refcount, deps, state, address, flags] = f as [string, string, string, string, string, string, string | undefined];
  if (!/^\d+$/.test(size)) return `size is not a number: ${size}`;
  if (!/^(-|-?\d+)$/.test(refcount)) return `reference count is not a number or "-": ${refcount}`;
  if (!(state in STATES)) return `state is not Live, Loading or Unloading: ${state}`;
  if (!/^0x[0-9a-f]+$/i.test(address)) return `address is not hexadecimal: ${address}`;
  if (flags !== undefined && !/^\([A-Za-z+-]*\)$/.test(flags)) return `taint is not letters in parentheses: ${flags}`;
  const users = deps === "-" ? [] : deps.split(",").filter(Boolean);
  return {
    name,
    size: Number(size),
    refcount: refcount === "-" ? null : Number(refcount),
    usedBy: users.filter((u) => u !== "[permanent]").sort(),
    permanent: users.includes("[permanent]"),
    state: STATES[state]!,
    // The + and - of older kernels repeat the state column; only letters are taint flags.
    taint: (flags ?? "").replace(/[^A-Za-z]/g, ""),
  };
}

export function parseProcModules(text: string): ProcModules {
  const out: ProcModules = { modules: [], problems: [] };
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const parsed = parseLine(line);
    if (typeof parsed === "string") out.problems.push({ line: i + 1, message: parsed });
    else out.modules.push(parsed);
  });
  return out;
}
