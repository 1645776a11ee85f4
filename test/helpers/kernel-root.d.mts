/** Lays module trees out under `root` as ROOT/lib/modules/<release>/ with build/Module.symvers (hard links). */
export function layOutKernels(
  root: string,
  sets: readonly { modules: string; symvers: string }[],
): { release: string; dir: string }[];
