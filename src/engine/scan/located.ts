import { realpath, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Where a result path lies, for the kernel it belongs to (audit/kernel-of.ts): a scan shows paths
 * relative to the one directory given, or under each path as given, and the directory's real path
 * may be what names the kernel (a `modules` link to /lib/modules/<release>, or that tree itself).
 */
export async function locator(paths: readonly string[]): Promise<(shown: string) => string> {
  const roots = await Promise.all(
    paths.map(async (given) => {
      const real = await realpath(given).catch(() => given);
      const dir = await stat(real).then(
        (s) => s.isDirectory(),
        () => false,
      );
      return { given, real, dir };
    }),
  );
  const only = roots.length === 1 ? roots[0]! : null;
  if (only?.dir) return (shown) => join(only.real, shown);
  // Longest first, so that a path given inside another one answers for its own files.
  const byLength = [...roots].sort((a, b) => b.given.length - a.given.length);
  return (shown) => {
    for (const { given, real } of byLength) {
      const g = given.replace(/(.)\/+$/, "$1");
      if (shown === given || shown === g) return real;
      if (shown.startsWith(`${g}/`) || shown.startsWith(`${g}!/`)) return real + shown.slice(g.length);
    }
    return shown;
  };
}
