/** Resource limits applied while opening one input. Hostile files hit these instead of the machine. */
export interface DecodeLimits {
  /** Largest decompressed size of one file or member, in bytes. */
  maxDecompressedBytes: number;
  /** Memory liblzma may use for an xz dictionary (a hostile header can ask for gigabytes). */
  xzMemlimit: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  maxDecompressedBytes: 1 << 30,
  xzMemlimit: 256 << 20,
};
