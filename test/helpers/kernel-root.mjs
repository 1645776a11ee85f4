import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, realpathSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * Lays module trees out under `root` as a system holds several kernels: ROOT/lib/modules/<release>/
 * with each tree's table at build/Module.symvers, where a scan of ROOT finds it beside the tree.
 * Hard links into the trees, not symlinks: the walk follows no symlink it meets. Shared by the
 * several-kernels corpus test and bench/several-kernels.mjs, so both measure the same layout.
 */
export function layOutKernels(root, sets) {
  return sets.map(({ modules, symvers }) => {
    const real = realpathSync(modules);
    const release = basename(real);
    const dir = join(root, "lib", "modules", release);
    mkdirSync(join(dir, "build"), { recursive: true });
    execFileSync("cp", ["-al", join(real, "kernel"), join(dir, "kernel")]);
    linkSync(join(real, "modules.order"), join(dir, "modules.order"));
    linkSync(realpathSync(symvers), join(dir, "build", "Module.symvers"));
    return { release, dir };
  });
}
