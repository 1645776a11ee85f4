import type { ExplainedTaint, KernelTaint } from "../core/running.js";
/**
 * The kernel's taint flags, as `taint_flags[]` in kernel/panic.c and the bit numbers of
 * include/linux/panic.h define them (through TAINT_FWCTL, Linux 6.15). The wording follows
 * Documentation/admin-guide/tainted-kernels.rst. Letters are case-sensitive and not in
 * alphabetical order: T is the randstruct plugin and N an in-kernel test, not the other way round.
 */
export interface TaintFlag {
  bit: number;
  /** The letter the kernel prints when the flag is set (`c_true`). */
  letter: string;
  /** The kernel's name, TAINT_<name>. */
  name: string;
  /** What the flag says about the kernel as a whole (/proc/sys/kernel/tainted). */
  meaning: string;
  /** What it says about one module (/proc/modules), for the flags a module can carry; else null. */
  moduleMeaning: string | null;
}

export const TAINT_FLAGS: readonly TaintFlag[] = [
  {
    bit: 0,
    letter: "P",
    name: "PROPRIETARY_MODULE",
    meaning: "proprietary module was loaded",
    moduleMeaning: "proprietary: non-GPL license, or uses a proprietary module (5.9+)",
  },
  {
    bit: 1,
    letter: "F",
    name: "FORCED_MODULE",
    meaning: "module was force loaded",
    moduleMeaning: "force loaded (version or vermagic checks skipped)",
  },
  {
    bit: 2,
    letter: "S",
    name: "CPU_OUT_OF_SPEC",
    meaning: "kernel running on an out of specification system",
    moduleMeaning: null,
  },
  { bit: 3, letter: "R", name: "FORCED_RMMOD", meaning: "module was force unloaded", moduleMeaning: null },
  {
    bit: 4,
    letter: "M",
    name: "MACHINE_CHECK",
    meaning: "processor reported a Machine Check Exception (MCE)",
    moduleMeaning: null,
  },
  {
    bit: 5,
    letter: "B",
    name: "BAD_PAGE",
    meaning: "bad page referenced or some unexpected page flags",
    moduleMeaning: null,
  },
  { bit: 6, letter: "U", name: "USER", meaning: "taint requested by userspace application", moduleMeaning: null },
  {
    bit: 7,
    letter: "D",
    name: "DIE",
    meaning: "kernel died recently, i.e. there was an OOPS or BUG",
    moduleMeaning: null,
  },
  { bit: 8, letter: "A", name: "OVERRIDDEN_ACPI_TABLE", meaning: "ACPI table overridden by user", moduleMeaning: null },
  { bit: 9, letter: "W", name: "WARN", meaning: "kernel issued warning", moduleMeaning: null },
  { bit: 10, letter: "C", name: "CRAP", meaning: "staging driver was loaded", moduleMeaning: "staging driver" },
  {
    bit: 11,
    letter: "I",
    name: "FIRMWARE_WORKAROUND",
    meaning: "workaround for bug in platform firmware applied",
    moduleMeaning: null,
  },
  {
    bit: 12,
    letter: "O",
    name: "OOT_MODULE",
    meaning: 'externally-built ("out-of-tree") module was loaded',
    moduleMeaning: "out-of-tree (built outside the kernel, e.g. by DKMS)",
  },
  {
    bit: 13,
    letter: "E",
    name: "UNSIGNED_MODULE",
    meaning: "unsigned module was loaded",
    moduleMeaning: "unsigned, or its key is not trusted",
  },
  { bit: 14, letter: "L", name: "SOFTLOCKUP", meaning: "soft lockup occurred", moduleMeaning: null },
  { bit: 15, letter: "K", name: "LIVEPATCH", meaning: "kernel has been live patched", moduleMeaning: "live patch" },
  {
    bit: 16,
    letter: "X",
    name: "AUX",
    meaning: "auxiliary taint, defined for and used by distros",
    moduleMeaning: "auxiliary taint set by the distribution",
  },
  {
    bit: 17,
    letter: "T",
    name: "RANDSTRUCT",
    meaning: "kernel was built with the struct randomization plugin",
    moduleMeaning: "built with the struct randomization plugin",
  },
  {
    bit: 18,
    letter: "N",
    name: "TEST",
    meaning: "an in-kernel test has been run",
    moduleMeaning: "in-kernel test (e.g. KUnit)",
  },
  {
    bit: 19,
    letter: "J",
    name: "FWCTL",
    meaning: "userspace used a mutating debug operation in fwctl",
    moduleMeaning: "fwctl mutating debug operation used",
  },
];

const BY_LETTER = new Map(TAINT_FLAGS.map((f) => [f.letter, f]));

/** Decodes /proc/sys/kernel/tainted: a decimal unsigned long, one bit per flag. */
export function decodeKernelTaint(text: string): KernelTaint | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const mask = BigInt(t);
  const flags: KernelTaint["flags"] = [];
  for (let bit = 0; mask >> BigInt(bit) !== 0n; bit++) {
    if (((mask >> BigInt(bit)) & 1n) === 0n) continue;
    const f = TAINT_FLAGS[bit];
    flags.push(
      f
        ? { bit, letter: f.letter, name: f.name, meaning: f.meaning }
        : { bit, letter: "?", name: null, meaning: `taint bit ${bit}, unknown to kmodaudit (newer kernel)` },
    );
  }
  return { value: Number(mask), flags };
}

/** Explains a module's taint letters as /proc/modules prints them, e.g. "POE". */
export function explainModuleTaint(letters: string): ExplainedTaint[] {
  return [...letters].map((letter) => {
    const f = BY_LETTER.get(letter);
    if (!f) return { letter, name: null, meaning: "taint letter unknown to kmodaudit (newer kernel)" };
    return { letter, name: f.name, meaning: f.moduleMeaning ?? f.meaning };
  });
}
