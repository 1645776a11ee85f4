export interface Seed {
  name: string;
  bytes: Buffer;
}
export interface FuzzFailure {
  seed: string;
  iteration: number;
  input: Buffer;
}
export interface FuzzStats {
  inputs: number;
  facts: number;
  formatErrors: number;
  crashes: (FuzzFailure & { error: string })[];
  slow: (FuzzFailure & { ms: number })[];
}
export function rng(seed: number): { next(): number; below(n: number): number; chance(p: number): boolean };
export function mutate(seed: Buffer, r: ReturnType<typeof rng>): Buffer;
export function fuzz(options: {
  seeds: Seed[];
  iterations: number;
  seed?: number;
  check: (input: Buffer) => Promise<void>;
  isFormatError: (e: unknown) => boolean;
  slowMs?: number;
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats>;
export function pipelineCheck(lib: unknown, facts: unknown): (input: Buffer) => Promise<void>;
