/** Gives a buffer of exactly `size` bytes for decoded output (a thread's reusable buffer). */
export type OutputBuffer = (size: number) => Buffer;
