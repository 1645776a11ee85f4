/**
 * Fault injection for the tests of a dying worker: a worker thread exits when asked to read a file
 * whose path ends in this (engine/worker.ts), and a batch with such a file read on the main thread fails
 * as a dead worker's would (engine/pool.ts). Unset outside those tests.
 */
export const FAULT = process.env.KMODAUDIT_TEST_WORKER_EXIT_ON;

export const hitsFault = (tasks: readonly { abs: string }[]): boolean =>
  FAULT !== undefined && tasks.some((t) => t.abs.endsWith(FAULT));
