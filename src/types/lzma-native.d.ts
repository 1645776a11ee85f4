// lzma-native ships no types; this declares only the streaming decoder src/bytes/xz.ts uses.
declare module "lzma-native" {
  import type { Transform } from "node:stream";
  interface StreamOptions {
    memlimit?: number;
    synchronous?: boolean;
    bufsize?: number;
  }
  export function createStream(coder: "autoDecoder" | "rawDecoder", options?: StreamOptions): Transform;
  const lzma: { createStream: typeof createStream };
  export default lzma;
}
