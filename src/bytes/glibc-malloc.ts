/**
 * Two settings of glibc's allocator that a streamed package needs, through koffi (loaded anyway
 * for liblzma). Process-wide, so made by the code that needs them, and never where the user chose a
 * setting through glibc's own environment variables. Elsewhere than glibc (musl has no libc.so.6,
 * and no moving threshold) there is nothing to set.
 */
type Koffi = typeof import("koffi");

/**
 * glibc serves allocations above its mmap threshold with mmap, and gives them back to the system
 * on free. But the threshold moves: the first such block freed raises it to that block's size, up
 * to 32 MiB. After the xz decoder frees its first large buffers (its output slots, its lanes'
 * dictionaries, xz-lanes.ts), every later one comes from the heaps of an arena and stays there once
 * freed, so a scan of several packages keeps the high-water mark of what was ever decoded at once.
 * A fixed threshold keeps large blocks on mmap: the decoder's memory goes back as it is freed, at
 * the cost of the page faults of mapping it afresh.
 */
export function keepLargeBuffersOnMmap(koffi: Koffi): void {
  if (libc(koffi) === undefined || thresholdDone) return;
  thresholdDone = true;
  const env = process.env;
  if ("MALLOC_MMAP_THRESHOLD_" in env || /mmap_threshold/.test(env.GLIBC_TUNABLES ?? "")) return;
  libc(koffi)?.mallopt(M_MMAP_THRESHOLD, THRESHOLD);
}

/**
 * Gives the system back the free memory in the allocator's arenas. free() returns only what lies
 * at the top of an arena; a package's decoding leaves tens of MiB free below live blocks (the
 * decoder's, the threads' own), which stayed in the process's RSS for the rest of the scan,
 * its report included. malloc_trim releases those pages too, at the cost of a walk of the free
 * lists: called once a package's decoder has ended, and once a scan that decoded one is done.
 * Without `koffi`, only where a decoder loaded it already: a scan that decoded no xz has little to
 * give back, and loading koffi for it would cost more than the rest of a small scan.
 */
export function releaseFreeMemory(koffi?: Koffi): void {
  (koffi ? libc(koffi) : functions)?.mallocTrim(0);
}

const M_MMAP_THRESHOLD = -3;
const THRESHOLD = 4 << 20;

let thresholdDone = false;
let functions: { mallopt(param: number, value: number): number; mallocTrim(pad: number): number } | null | undefined;

function libc(koffi: Koffi) {
  if (functions !== undefined) return functions;
  functions = null;
  if (process.platform !== "linux") return functions;
  try {
    const lib = koffi.load("libc.so.6");
    functions = {
      mallopt: lib.func("int mallopt(int param, int value)"),
      mallocTrim: lib.func("int malloc_trim(size_t pad)"),
    };
  } catch {
    // not glibc: nothing to set
  }
  return functions;
}
