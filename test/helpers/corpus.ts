import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where scripts/fetch-corpus.sh caches the real Debian trees. */
export const CORPUS_DIR =
  process.env.KMODAUDIT_CORPUS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kmodaudit", "corpus");

export type KernelSet = "amd64" | "amd64xz" | "i386" | "s390x";

export interface CorpusSet {
  name: KernelSet;
  modules: string;
  symvers: string;
}

/**
 * A fetched set, or a failing test that says how to fetch it. Corpus tests are skipped only when
 * KMODAUDIT_SKIP_CORPUS=1 is set on purpose, never because the files happen to be missing.
 */
export function corpusSet(name: KernelSet): CorpusSet {
  const dir = join(CORPUS_DIR, name);
  if (!existsSync(join(dir, ".done"))) {
    throw new Error(
      `corpus set ${name} is not fetched in ${CORPUS_DIR}: run scripts/fetch-corpus.sh (npm test does), or set KMODAUDIT_SKIP_CORPUS=1 to skip corpus tests`,
    );
  }
  return { name, modules: join(dir, "modules"), symvers: join(dir, "Module.symvers") };
}

export function blobsDir(): string {
  const dir = join(CORPUS_DIR, "blobs");
  if (!existsSync(join(dir, ".done")))
    throw new Error(`corpus blobs are not fetched in ${CORPUS_DIR}: run scripts/fetch-corpus.sh blobs`);
  return dir;
}

export const skipCorpus = process.env.KMODAUDIT_SKIP_CORPUS === "1";
