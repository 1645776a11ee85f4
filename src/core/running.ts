/* The running kernel, as /proc tells it: loaded modules and taint. */

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

/** One set flag, explained. */
export interface ExplainedTaint {
  letter: string;
  /** TAINT_<name>, or null for a letter or bit this kernel table does not know (a newer kernel). */
  name: string | null;
  meaning: string;
}

/** The kernel-wide taint as /proc/sys/kernel/tainted gives it. */
export interface KernelTaint {
  value: number;
  flags: (ExplainedTaint & { bit: number })[];
}

/** A module in /proc/modules, with the file of the same name in the audited tree. */
export interface RunningModule extends LoadedModule {
  /** Relative to the tree, as in the scan's modules; null when the tree holds no module of this name. */
  path: string | null;
}

export interface RunningSystem {
  release: string;
  /** The module tree audited, ROOT/lib/modules/<release>. */
  tree: string;
  /** null when PROC/sys/kernel/tainted could not be read (see notes). */
  tainted: KernelTaint | null;
  /** Sorted by name; null when PROC/modules could not be read (see notes). */
  loaded: RunningModule[] | null;
  /** Why something is missing, in words for the report. */
  notes: string[];
}
