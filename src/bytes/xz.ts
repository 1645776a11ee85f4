import type { Transform } from "node:stream";
import type { OutputBuffer } from "./output-buffer.js";
import { FormatError } from "../core/errors.js";
import { refuseDeclared, xzDeclared, xzDeclaredSize } from "./xz-index.js";
import { xzChunks } from "./xz-stream.js";
import { systemLiblzma, type BufferDecoder } from "./xz-liblzma.js";
import { outputBudget, type DecodeLimits, wholeBudget } from "../core/limits.js";

/**
 * Two ways to decode. A file whose streams' indexes declare their size within the limits is decoded
 * by the system's liblzma straight into a buffer of that size (xz-liblzma.ts): fast, and bounded by
 * the buffer. Everything else — no index, an index that lies, damage, no system liblzma — is decoded
 * as a stream (xz-stream.ts), whose output is counted as it arrives so a bomb is cut off at the limit
 * instead of being held in memory whole, and whose errors say what is wrong. Declared sizes count
 * over every concatenated stream, so a file of many small streams, each a bomb, is refused before
 * a byte is decoded rather than once its output reaches the limit.
 *
 * Native code is loaded on first use only: a worker thread that never meets an xz stream never
 * loads it, and so never has it to tear down.
 */
let addon: Promise<{ createStream(coder: "autoDecoder", options: { memlimit: number }): Transform }> | undefined;
const lzmaNative = () => (addon ??= import("lzma-native").then((m) => m.default));
let system: Promise<BufferDecoder | null> | undefined;
const liblzma = () => (system ??= systemLiblzma());

export async function decodeXz(bytes: Uint8Array, limits: DecodeLimits, into?: OutputBuffer): Promise<Buffer> {
  const budget = wholeBudget(bytes.length, limits);
  // Streams whose own indexes declare more than the budget are refused before decoding a byte.
  const declared = xzDeclared(bytes);
  refuseDeclared(declared, budget);
  if (declared?.whole) {
    const decode = await liblzma();
    if (decode) {
      const out = into ? into(declared.bytes) : Buffer.allocUnsafe(declared.bytes);
      if (decode(bytes, out, limits.xzMemlimit).ok) return out;
    }
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of xzChunks(bytes, limits)) {
    total += chunk.length;
    if (total > budget.bytes) throw new FormatError("xz stream", undefined, budget.why);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** The general path alone (lzma-native); exported so tests can hold the fast path to it. */
export async function decodeStreaming(
  bytes: Uint8Array,
  limits: DecodeLimits,
  declared = xzDeclaredSize(bytes),
  budget = outputBudget(bytes.length, limits),
): Promise<Buffer> {
  const lzma = await lzmaNative();
  return new Promise((resolve, reject) => {
    const stream = lzma.createStream("autoDecoder", { memlimit: limits.xzMemlimit });
    // With the size the index declares, the output is written into one buffer as it arrives,
    // instead of being gathered in chunks and copied once more at the end (twice the memory).
    const whole = declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const fail = (message: string) => {
      if (done) return;
      done = true;
      stream.destroy();
      reject(new FormatError("xz stream", undefined, message));
    };
    stream.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > budget.bytes) return fail(budget.why);
      if (whole && total <= whole.length) chunk.copy(whole, total - chunk.length);
      else chunks.push(chunk);
    });
    stream.on("error", (err: Error) => fail(err.message));
    stream.on("end", () => {
      if (done) return;
      done = true;
      if (whole && total === whole.length && chunks.length === 0) return resolve(whole);
      if (whole)
        return reject(
          new FormatError("xz stream", undefined, `decoded ${total} bytes where its index declares ${whole.length}`),
        );
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
    stream.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
