/**
 * The system's own liblzma (Debian 12 ships 5.4), called through koffi. Its decoder is faster than
 * the liblzma 5.2 that lzma-native bundles — as fast as `xz -dc` on real modules — and
 * lzma_stream_buffer_decode writes into a buffer of a size we choose, so the output can never pass
 * it: the bound is the buffer, not a count kept on the side.
 *
 * Null where no liblzma 5 can be loaded (the caller then uses lzma-native for everything).
 */
export type BufferDecoder = (
  input: Uint8Array,
  output: Buffer,
  memlimit: number,
) => { ok: true } | { ok: false; code: number };

/** lzma_ret and lzma_action values (liblzma's base.h). */
export const LZMA_OK = 0;
export const LZMA_STREAM_END = 1;
export const LZMA_MEM_ERROR = 5;
export const LZMA_MEMLIMIT_ERROR = 6;
export const LZMA_FORMAT_ERROR = 7;
export const LZMA_OPTIONS_ERROR = 8;
export const LZMA_DATA_ERROR = 9;
export const LZMA_BUF_ERROR = 10;
export const LZMA_RUN = 0;
export const LZMA_FINISH = 3;
/** Several streams one after another, as `xz -dc` accepts them. */
export const LZMA_CONCATENATED = 0x08;

const LIBRARIES = ["liblzma.so.5", "liblzma.5.dylib"];

/** The system's liblzma and the koffi that loaded it, once per thread; null where there is none. */
export interface Liblzma {
  koffi: typeof import("koffi");
  lib: import("koffi").IKoffiLib;
}
let loaded: Promise<Liblzma | null> | undefined;
export function loadLiblzma(): Promise<Liblzma | null> {
  loaded ??= (async () => {
    let koffi: typeof import("koffi");
    try {
      koffi = (await import("koffi")).default;
    } catch {
      return null;
    }
    for (const name of LIBRARIES) {
      try {
        return { koffi, lib: koffi.load(name) };
      } catch {
        // not this name on this system; try the next
      }
    }
    return null;
  })();
  return loaded;
}

export async function systemLiblzma(): Promise<BufferDecoder | null> {
  const liblzma = await loadLiblzma();
  if (!liblzma) return null;
  let decode: ReturnType<import("koffi").IKoffiLib["func"]>;
  try {
    decode = liblzma.lib.func(
      "int lzma_stream_buffer_decode(_Inout_ uint64_t *memlimit, uint32_t flags, void *allocator, const " +
        "uint8_t *input, _Inout_ size_t *in_pos, size_t in_size, uint8_t *output, _Inout_ size_t *out_pos, " +
        "size_t out_size)",
    );
  } catch {
    return null;
  }
  return (input, output, memlimit) => {
    const inPos = [0];
    const outPos = [0];
    const code = decode(
      [BigInt(memlimit)],
      LZMA_CONCATENATED,
      null,
      input,
      inPos,
      input.length,
      output,
      outPos,
      output.length,
    ) as number;
    // Whole input consumed and the buffer exactly filled: anything else is left to the caller.
    if ((code === LZMA_OK || code === LZMA_STREAM_END) && inPos[0] === input.length && outPos[0] === output.length)
      return { ok: true };
    return { ok: false, code };
  };
}
