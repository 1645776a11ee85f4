import { constants } from "node:buffer";

/**
 * Resource limits applied while opening inputs. Hostile files hit these instead of the machine;
 * each is a flag of the CLI, and each, when hit, is a per-file error naming the limit.
 */
export interface DecodeLimits {
  /** Largest size of one file, and of one file's decompressed bytes. */
  maxDecompressedBytes: number;
  /** Decompressed bytes over the whole scan; files past it are reported as errors, not read. */
  maxTotalDecompressedBytes: number;
  /**
   * Largest output/input ratio of one decompression, once past 16 MiB of output. Modules compress
   * 3–10×; a bomb of zeros 1000× and more. Stopping there bounds the time a bomb costs, which the
   * size limit alone does not (a pure-JS decoder is slow to write a gigabyte of zeros).
   */
  maxExpansionRatio: number;
  /**
   * Bytes one input file may decode in all, over every layer and member nested in it, as a multiple
   * of its size (with --max-decompressed as the floor). Real packages and images decode to a small
   * multiple of their size (a compressed initramfs of compressed modules the largest); an input that
   * nests or repeats streams to pass each per-stream limit goes far beyond.
   */
  maxInputRatio: number;
  /** Compression layers accepted around one file (a .ko.xz inside a .gz is still a module). */
  maxCompressionDepth: number;
  /** Memory liblzma may use for an xz dictionary (a hostile header can ask for gigabytes). */
  xzMemlimit: number;
  /** Archives nested inside one another (a .deb's data.tar.xz is two levels). */
  maxContainerDepth: number;
  /** Members read out of one input file, over all its nested archives. */
  maxMembers: number;
  /** Sections in one ELF file. */
  maxSections: number;
  /** Entries in one symbol table. */
  maxSymbols: number;
  /** Length of one string read from a binary: a symbol name, a .modinfo tag. */
  maxStringBytes: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  maxDecompressedBytes: 1 << 30,
  maxTotalDecompressedBytes: 64 * 2 ** 30,
  maxExpansionRatio: 200,
  maxInputRatio: 50,
  maxCompressionDepth: 3,
  xzMemlimit: 256 << 20,
  maxContainerDepth: 8,
  maxMembers: 1 << 20,
  maxSections: 1 << 18,
  maxSymbols: 1 << 22,
  maxStringBytes: 1 << 16,
};

/** What the ELF readers enforce (a subset, so they can be used without the decoders). */
export type ParseLimits = Pick<DecodeLimits, "maxSections" | "maxSymbols" | "maxStringBytes">;

/**
 * The most one buffer holds (Node's Buffer limit): what is decoded or read whole — a module, a
 * member's compressed layers — can be no larger, whatever --max-decompressed says; packages and
 * images, read as streams, are not held whole and go past it.
 */
export const WHOLE_MAX = constants.MAX_LENGTH;

/** Why what is held whole stops at WHOLE_MAX, where the limits would allow more. */
export const WHOLE_MAX_WHY =
  `expands past ${WHOLE_MAX} bytes, the most a file decoded whole can be ` +
  "(a --max-decompressed above it applies to packages and images, which are read as streams)";

/** outputBudget, for a decoder that holds its output whole: never above WHOLE_MAX. */
export function wholeBudget(inputBytes: number, limits: DecodeLimits): { bytes: number; why: string } {
  const budget = outputBudget(inputBytes, limits);
  return budget.bytes <= WHOLE_MAX ? budget : { bytes: WHOLE_MAX, why: WHOLE_MAX_WHY };
}

/** Output at which the expansion ratio starts to count. */
const RATIO_FLOOR = 16 << 20;

/** The most one decompression of `inputBytes` may produce, and the flag that sets it. */
export function outputBudget(inputBytes: number, limits: DecodeLimits): { bytes: number; why: string } {
  const byRatio = Math.max(RATIO_FLOOR, inputBytes * limits.maxExpansionRatio);
  return byRatio < limits.maxDecompressedBytes
    ? {
        bytes: byRatio,
        why:
          `expands more than ${limits.maxExpansionRatio}× its ${inputBytes} bytes, a decompression bomb ` +
          `(--max-ratio)`,
      }
    : {
        bytes: limits.maxDecompressedBytes,
        why: `expands past the limit of ${limits.maxDecompressedBytes} bytes (--max-decompressed)`,
      };
}
