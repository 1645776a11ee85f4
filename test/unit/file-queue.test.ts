import { describe, expect, it } from "vitest";
import { FileQueue } from "../../src/engine/scan/file-queue.js";

/*
 * The queue between the walk and the threads (engine/scan/file-queue.ts): a small first batch, whole
 * batches while the walk goes on, shares that shrink with what is left once it is over.
 */
const filled = (n: number) => {
  const q = new FileQueue<number>();
  for (let i = 0; i < n; i++) q.push(i);
  return q;
};

/** Whether a take is still waiting after everything already due has run. */
const pending = async (p: Promise<unknown>) =>
  Promise.race([p.then(() => false), new Promise<boolean>((r) => setImmediate(() => r(true)))]);

describe("the walk's file queue", () => {
  it("hands out a first batch of 4, then batches of 32 while the walk goes on", async () => {
    const q = filled(40);
    expect(await q.take()).toEqual([0, 1, 2, 3]);
    expect(await q.take()).toEqual([...Array(32).keys()].map((i) => i + 4));
  });

  it("makes a taker wait while the walk goes on and fewer than 32 files are left, the first batch too", async () => {
    const q = filled(31);
    const first = q.take();
    expect(await pending(first)).toBe(true);
    q.close();
    expect(await first).toEqual([0, 1, 2, 3]);
  });

  it("wakes a waiting taker once 32 files are queued", async () => {
    const q = filled(36);
    await q.take();
    await q.take();
    const next = q.take();
    for (let i = 36; i < 67; i++) q.push(i);
    expect(await pending(next)).toBe(true);
    q.push(67);
    expect(await next).toHaveLength(32);
  });

  it("once the walk is over, hands out shares of what is left (a sixteenth, at least one)", async () => {
    const q = filled(104);
    q.close();
    const sizes: number[] = [];
    for (let b = await q.take(); b; b = await q.take()) sizes.push(b.length);
    expect(sizes.slice(0, 3)).toEqual([4, 7, 6]);
    expect(sizes.at(-1)).toBe(1);
    expect(sizes.reduce((a, b) => a + b)).toBe(104);
  });

  it("hands out every file once, in the order queued, then nothing", async () => {
    const q = filled(70);
    q.close();
    const taken: number[] = [];
    for (let b = await q.take(); b; b = await q.take()) taken.push(...b);
    expect(taken).toEqual([...Array(70).keys()]);
    expect(await q.take()).toBeUndefined();
  });

  it("when abandoned, hands out nothing more and releases the takers waiting", async () => {
    const q = filled(40);
    await q.take();
    await q.take();
    const waiting = q.take();
    q.abandon();
    expect(await waiting).toBeUndefined();
    expect(await q.take()).toBeUndefined();
  });
});
