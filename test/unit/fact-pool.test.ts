import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, type ObjectFacts } from "../../src/index.js";
import { FactPool } from "../../src/engine/intern.js";
import { inspectBytesWith } from "../../src/kmod/facts.js";
import type { FactBuilder } from "../../src/kmod/fact-builder.js";

const SAMPLES = ["vendor_glue.ko", "gpl_clean.ko", "signed_gpl.ko", "nul_trick.ko", "proprietary_gpl_use.ko"];

async function factsOf(file: string, builder?: FactBuilder): Promise<ObjectFacts> {
  const r = await inspectBytesWith(readFileSync(`samples/${file}`), { limits: DEFAULT_LIMITS }, { builder });
  if (r.outcome !== "facts") throw new Error(r.reason);
  return r.facts;
}

describe("a fact pool", () => {
  it("gives the facts a library read gives", async () => {
    const pool = new FactPool();
    for (const file of SAMPLES) expect(await factsOf(file, pool)).toEqual(await factsOf(file));
  });

  it("gives modules read with it one object for the same import, version and ELF identity", async () => {
    const pool = new FactPool();
    const a = await factsOf("vendor_glue.ko", pool);
    const b = await factsOf("gpl_clean.ko", pool);
    const printk = (f: ObjectFacts) => f.imports.find((i) => i.symbol === "_printk");
    expect(printk(a)).toBeDefined();
    expect(printk(a)).toBe(printk(b));
    const version = (f: ObjectFacts) => f.versions.find((v) => v.symbol === "_printk");
    expect(version(a)).toBeDefined();
    expect(version(a)).toBe(version(b));
    expect(a.elf).toBe(b.elf);
  });

  it("gives each kernel's modules their own shared (symbol, CRC) when several kernels are read", () => {
    const pool = new FactPool();
    // Three kernels' CRCs of one symbol, each met in two modules, interleaved as a scan meets them.
    const crcs = [0x12345678, 0x9abcdef0, 0x0badf00d];
    const met = [...crcs, ...crcs].map((crc) => pool.version("_printk", crc));
    expect(met.map((v) => v.crc)).toEqual([...crcs, ...crcs]);
    crcs.forEach((_, k) => expect(met[k + crcs.length]).toBe(met[k]));
  });

  it("gives modules read with it one object for the same .modinfo tag", async () => {
    const pool = new FactPool();
    const tag = (f: ObjectFacts, key: string) => f.modinfo.find(([k]) => k === key);
    const a = await factsOf("gpl_clean.ko", pool);
    const b = await factsOf("signed_gpl.ko", pool);
    expect(tag(a, "license")).toEqual(["license", "GPL"]);
    expect(tag(a, "license")).toBe(tag(b, "license"));
    // The same key with another value is another tag.
    expect(tag(a, "name")).not.toEqual(tag(b, "name"));
  });

  it("shares the tags of facts that came from a worker, whose wire made each anew", async () => {
    const pool = new FactPool();
    const own = await factsOf("gpl_clean.ko", pool);
    const wired = await factsOf("gpl_clean.ko");
    pool.wired({ members: [{ path: "x.ko", outcome: { kind: "facts", facts: wired } }] });
    wired.modinfo.forEach((t, i) => expect(t).toBe(own.modinfo[i]));
  });

  it("decodes .modinfo text as UTF-8, the ASCII it interns and the rest alike", () => {
    const pool = new FactPool();
    const text = Buffer.from("license=GPL\0author=Jürgen\0", "utf8");
    expect(pool.modinfoText(text, 8, 11)).toBe("GPL");
    expect(pool.modinfoText(text, 19, text.length - 1)).toBe("Jürgen");
  });

  it("gives one signature object for the same signer", async () => {
    const pool = new FactPool();
    const signed = readFileSync("samples/signed_gpl.ko");
    const read = async () => {
      const r = await inspectBytesWith(Buffer.from(signed), { limits: DEFAULT_LIMITS }, { builder: pool });
      return r.outcome === "facts" ? r.facts.signature : null;
    };
    const first = await read();
    expect(first?.signer).toBe("kmodaudit sample signing key");
    expect(await read()).toBe(first);
  });
});
