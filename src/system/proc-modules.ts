import type { LoadedModule } from "../core/running.js";

export interface ProcModules {
  modules: LoadedModule[];
  /** Lines that are not in the format above, with their 1-based number. */
  problems: { line: number; message: string }[];
}

const STATES: Record<string, LoadedModule["state"]> = { Live: "live", Loading: "loading", Unloading: "unloading" };

function parseLine(line: string): LoadedModule | string {
  const f = line.trim().split(/\s+/);
  if (f.length < 6 || f.length > 7)
    return `expected 6 or 7 fields (name size refcount deps state address [(taint)]), found ${f.length}`;
  const [name, size, refcount, deps, state, address, flags] = f as [
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
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
