import { FormatError } from "../core/errors.js";
import type { ExportTable, KernelExport } from "./symvers.js";

/**
 * System.map or /proc/kallsyms: "address type name [module]". Each `__ksymtab_<sym>` is classified
 * by the address range it falls in — [__start___ksymtab_gpl, __stop___ksymtab_gpl) is GPL-only,
 * [__start___ksymtab, __stop___ksymtab) plain. `__crc_<sym>` entries carry CRCs where the kernel
 * had them as absolute symbols. Module symbols of kallsyms ("[mod]") are ignored.
 */
export function parseSystemMap(text: string, file: string): ExportTable {
  const ranges = new Map<string, bigint>();
  const labels: [string, bigint][] = [];
  const crcs = new Map<string, number>();
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    if (line === "" || line.includes("[")) continue;
    const parts = line.trim().split(/\s+/);
    if (parts.length < 3 || !/^[0-9a-fA-F]+$/.test(parts[0]!))
      throw new FormatError(`${file} line ${lineNo}`, undefined, "not a System.map line (address type name)");
    const addr = BigInt(`0x${parts[0]}`);
    const name = parts[2]!;
    if (name.startsWith("__start___ksymtab") || name.startsWith("__stop___ksymtab")) ranges.set(name, addr);
    else if (name.startsWith("__ksymtab_")) labels.push([name.slice(10), addr]);
    else if (name.startsWith("__crc_")) crcs.set(name.slice(6), Number(addr & 0xffffffffn));
  }
  const range = (suffix: string) => {
    const start = ranges.get(`__start___ksymtab${suffix}`);
    const stop = ranges.get(`__stop___ksymtab${suffix}`);
    return start !== undefined && stop !== undefined ? ([start, stop] as const) : undefined;
  };
  const plain = range("");
  const gpl = range("_gpl");
  if (!plain && !gpl)
    throw new FormatError(
      file,
      undefined,
      "no __start___ksymtab/__stop___ksymtab symbols: cannot tell plain from GPL-only exports",
    );
  // kallsyms read by a user that kptr_restrict hides addresses from: every address is 0, so every
  // range is empty and nothing can be classified (and an empty table must not pass for a known one).
  if ([...ranges.values()].every((a) => a === 0n) && labels.every(([, a]) => a === 0n)) {
    return {
      exports: [],
      hasExportTypes: false,
      emptyBecause:
        "every address in it is 0, as kernel.kptr_restrict makes /proc/kallsyms show them to an unprivileged " +
        "reader, so no export can be told GPL-only or plain (read it as root, or pass the kernel's " +
        "System.map or Module.symvers)",
    };
  }
  const inRange = (r: readonly [bigint, bigint] | undefined, a: bigint) => r !== undefined && a >= r[0] && a < r[1];
  const exports: KernelExport[] = [];
  for (const [symbol, addr] of labels) {
    const gplOnly = inRange(gpl, addr);
    if (!gplOnly && !inRange(plain, addr)) continue; // a label of another table (e.g. __ksymtab_strings)
    exports.push({
      symbol,
      crc: crcs.get(symbol) ?? null,
      module: "vmlinux",
      type: gplOnly ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL",
      gplOnly,
      namespace: null,
    });
  }
  return { exports, hasExportTypes: true };
}
