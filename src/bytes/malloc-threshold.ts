/**
 * glibc serves allocations above its mmap threshold with mmap, and gives them back to the system
 * on free. But the threshold moves: the first such block freed raises it to that block's size, up
 * to 32 MiB. After the MT xz decoder frees its first block buffers (xz's blocks are 24 MiB), every
 * later one comes from the heaps of its thread's arena and stays there once freed, so a package's
 * decoding leaves its threads' arenas holding the high-water mark of what they ever decoded at once.
 * A fixed threshold keeps large blocks on mmap: the decoder's memory goes back as it is freed, at
 * the cost of the page faults of mapping it afresh.
 *
 * Process-wide, so set once, by the code that needs it, and never where the user chose a setting
 * through glibc's own environment variables.
 */
const M_MMAP_THRESHOLD = -3;
const THRESHOLD = 4 << 20;

let done = false;
export function keepLargeBuffersOnMmap(koffi: typeof import("koffi")): void {
  if (done) return;
  done = true;
  const env = process.env;
  if (
    process.platform !== "linux" ||
    "MALLOC_MMAP_THRESHOLD_" in env ||
    /mmap_threshold/.test(env.GLIBC_TUNABLES ?? "")
  )
    return;
  try {
    const mallopt = koffi.load("libc.so.6").func("int mallopt(int param, int value)");
    mallopt(M_MMAP_THRESHOLD, THRESHOLD);
  } catch {
    // not glibc (musl has no libc.so.6, and no moving threshold): nothing to set
  }
}
