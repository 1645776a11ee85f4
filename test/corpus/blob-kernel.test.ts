import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { blobsDir, corpusSet, skipCorpus } from "../helpers/corpus.js";

/*
 * A vendor blob names no kernel: it joins the kernel of its glue (design.md, README "Several
 * kernels"). The blob sits where a DKMS package leaves it, /usr/src/<package>/, outside every
 * lib/modules/<release>/ tree, so the directory rule alone would give it the kernel most modules of
 * the scan belong to; the glue sits in the other kernel's tree, which holds fewer modules.
 */
const SAMPLES = join(import.meta.dirname, "..", "..", "samples");

/** `n` modules of a corpus tree, copied under ROOT/lib/modules/<release>/kernel/. */
function someModules(root: string, tree: string, n: number): string {
  const real = realpathSync(tree);
  const release = basename(real);
  const dir = join(root, "lib", "modules", release, "kernel");
  mkdirSync(dir, { recursive: true });
  const crypto = join(real, "kernel", "crypto");
  for (const f of readdirSync(crypto)
    .filter((f) => /\.ko(\.xz)?$/.test(f))
    .slice(0, n))
    copyFileSync(join(crypto, f), join(dir, f));
  return release;
}

function place(root: string, from: string, ...to: string[]): string {
  mkdirSync(join(root, ...to.slice(0, -1)), { recursive: true });
  copyFileSync(from, join(root, ...to));
  return join(...to);
}

const kernelOf = async (root: string, blob: string) => {
  const result = await scan([root], { blobs: [blob], detectTables: false });
  const m = result.modules.find((x) => x.path === blob);
  expect(m?.kind, `${blob} is audited as a blob`).toBe("blob");
  return m!.kernel;
};

describe.skipIf(skipCorpus)("a vendor blob in a scan of several kernels", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function twoKernels(): { many: string; few: string } {
    root = mkdtempSync(join(tmpdir(), "kmodaudit-blob-kernel-"));
    // The kernel with more modules comes second in code-unit order, so that no answer below can
    // come from the last tie-break (the first release in that order) instead of the rule it tests.
    const many = someModules(root, corpusSet("amd64xz").modules, 6);
    const few = someModules(root, corpusSet("amd64").modules, 2);
    expect([few, many].sort()).toEqual([few, many]);
    return { many, few };
  }

  it("joins the kernel whose glue object defines what it imports (Broadcom wl)", async () => {
    const { many, few } = twoKernels();
    const blob = place(
      root,
      join(blobsDir(), "wlc_hybrid.o_amd64"),
      "usr",
      "src",
      "broadcom-sta",
      "wlc_hybrid.o_shipped",
    );
    expect(await kernelOf(root, blob)).toBe(many);
    place(root, join(SAMPLES, "wl", "wl_glue.o"), "lib", "modules", few, "updates", "dkms", "wl_glue.o");
    expect(await kernelOf(root, blob)).toBe(few);
  });

  it("joins the kernel of the module it was linked into", async () => {
    const { many, few } = twoKernels();
    const blob = place(root, join(SAMPLES, "vendor_blob.o_binary"), "usr", "src", "vendor", "vendor_blob.o_binary");
    expect(await kernelOf(root, blob)).toBe(many);
    place(root, join(SAMPLES, "vendor_glue.ko"), "lib", "modules", few, "updates", "vendor_glue.ko");
    expect(await kernelOf(root, blob)).toBe(few);
  });

  it("between glues in two kernels, joins the kernel of its directory", async () => {
    const { many, few } = twoKernels();
    const blob = place(root, join(SAMPLES, "vendor_blob.o_binary"), "usr", "src", "vendor", "vendor_blob.o_binary");
    place(root, join(SAMPLES, "vendor_glue.ko"), "lib", "modules", few, "updates", "vendor_glue.ko");
    place(root, join(SAMPLES, "vendor_glue.ko"), "lib", "modules", many, "updates", "vendor_glue.ko");
    expect(await kernelOf(root, blob)).toBe(many);
  });
});
