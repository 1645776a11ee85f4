import { execFileSync } from "node:child_process";

/**
 * modules.dep as kmod's depmod writes it for ROOT/lib/modules/VERSION (`depmod -b ROOT -n`): each
 * module's path in the tree with the paths of every module it needs. `configs`: depmod.d directories
 * to read instead of the system's (depmod -b does not look for them under ROOT).
 */
export function depmodDependencies(
  root: string,
  version: string,
  configs: readonly string[] = [],
): Map<string, string[]> {
  const args = ["-b", root, ...configs.flatMap((c) => ["-C", c]), "-n", version];
  const out = execFileSync("depmod", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  const deps = new Map<string, string[]>();
  for (const line of out.split("\n")) {
    if (line.startsWith("#")) break; // modules.dep comes first, then the other indexes
    const m = /^(\S+):\s*(.*)$/.exec(line);
    if (m) deps.set(m[1]!, m[2]!.split(/\s+/).filter(Boolean));
  }
  return deps;
}
