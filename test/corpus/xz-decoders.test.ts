import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/index.js";
// An internal corpus test on purpose: the two xz decoders behind the library must agree byte for byte.
import { decodeStreaming, decodeXz } from "../../src/bytes/xz.js";
import { systemLiblzma } from "../../src/bytes/xz-liblzma.js";
import { corpusSet, skipCorpus } from "../helpers/corpus.js";
import { listFiles } from "../helpers/tools.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe.skipIf(skipCorpus)("the system liblzma fast path", () => {
  it("is there on Debian (else every xz file takes the slower path)", async () => {
    expect(await systemLiblzma()).not.toBeNull();
  });

  it("decodes every module of the 6.12 tree to the bytes lzma-native gives", async () => {
    const files = await listFiles(corpusSet("amd64xz").modules, "*.ko.xz");
    expect(files.length).toBeGreaterThan(4000);
    const differ: string[] = [];
    for (const f of files) {
      const bytes = await readFile(f);
      if (sha(await decodeXz(bytes, DEFAULT_LIMITS)) !== sha(await decodeStreaming(bytes, DEFAULT_LIMITS)))
        differ.push(f);
    }
    expect(differ).toEqual([]);
  }, 600_000);
});
