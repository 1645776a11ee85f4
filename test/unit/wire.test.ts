import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, inspectInput } from "../../src/index.js";
import type { FileOutcome } from "../../src/engine/inspect-file.js";
import { WireDecoder, WireEncoder } from "../../src/engine/wire.js";

const outcomeOf = (file: string): Promise<FileOutcome> =>
  inspectInput(readFileSync(file), { limits: DEFAULT_LIMITS, hash: true });

describe("facts sent from a worker thread", () => {
  it("arrive exactly as read, batch after batch, strings sent once", async () => {
    const first = [await outcomeOf("samples/vendor_glue.ko"), await outcomeOf("samples/gpl_clean.ko")];
    const second = [
      await outcomeOf("samples/proprietary_gpl_use.ko"),
      await outcomeOf("samples/shim/gpl_shim.ko"),
      { self: { kind: "error" as const, message: "cannot read" }, members: [] },
    ];
    const encoder = new WireEncoder();
    const decoder = new WireDecoder();
    const a = encoder.encode(structuredClone(first));
    const b = encoder.encode(structuredClone(second));
    expect(decoder.decode(a)).toEqual(first);
    expect(decoder.decode(b)).toEqual(second);
    // `_printk` is imported by modules of both batches and crosses only once.
    expect([...a.strings, ...b.strings].filter((s) => s === "_printk")).toHaveLength(1);
  });

  it("share one string per symbol name across modules", async () => {
    const decoder = new WireDecoder();
    const [x, y] = decoder.decode(
      new WireEncoder().encode([await outcomeOf("samples/vendor_glue.ko"), await outcomeOf("samples/gpl_clean.ko")]),
    );
    const facts = (o: FileOutcome | undefined) => (o?.self?.kind === "facts" ? o.self.facts : undefined);
    expect(facts(x)!.imports.map((i) => i.symbol)).toContain("_printk");
    expect(facts(y)!.imports.map((i) => i.symbol)).toContain("_printk");
  });
});
