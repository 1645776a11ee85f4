import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/index.js";
import { inspectFile, threadBuffers } from "../../src/engine/inspect-file.js";

const VMKERNEL = fileURLToPath(new URL("../../samples/vmkernel", import.meta.url));

/* The scan engine's reading of one file (engine/inspect-file.ts), on the samples. */
describe("a VMkernel module read by ranges", () => {
  it("is read whole after all, so its exports are still found through relocations (the ranges leave them out)", async () => {
    // Padded past the size from which plain files are read by ranges.
    const big = join(mkdtempSync(join(tmpdir(), "kmodaudit-vmk-")), "vmk_gpl_lib.o");
    writeFileSync(big, Buffer.concat([readFileSync(join(VMKERNEL, "vmk_gpl_lib.o")), Buffer.alloc(128 << 10)]));
    const buffers = threadBuffers();
    // Leave another file's bytes in the thread's buffer, where unread bytes of this one would be.
    const options = { limits: DEFAULT_LIMITS, hash: false };
    await inspectFile({ abs: join(VMKERNEL, "vmk_vendor_driver.o"), followLinks: false }, options, buffers);
    const out = await inspectFile({ abs: big, followLinks: false }, options, buffers);
    expect(out.self?.kind === "facts" && out.self.facts.exports.map((e) => e.symbol)).toEqual(["vmk_gpl_helper"]);
  });
});
