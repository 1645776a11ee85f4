import { describe, expect, it } from "vitest";
import { NameIndex } from "../../src/kmod/name-index.js";

describe("NameIndex: names to values, kept as bytes", () => {
  it("gives back what each name was set to, through many regrowths, and nothing for names never set", () => {
    const index = new NameIndex<number>();
    const names = Array.from({ length: 50_000 }, (_, i) => `lib/modules/6.1/kernel/d${i % 97}/m${i}.ko`);
    names.forEach((n, i) => index.set(n, i));
    expect(index.size).toBe(names.length);
    expect(names.every((n, i) => index.get(n) === i)).toBe(true);
    expect([index.get("lib/modules/6.1/kernel/d0/m50000.ko"), index.get("")]).toEqual([undefined, undefined]);
  });

  it("replaces the value of a name set again, and tells names apart by their bytes, not their hash or length", () => {
    const index = new NameIndex<string>();
    index.set("é", "first");
    index.set("e\u0301", "decomposed");
    index.set("é", "again");
    index.set("", "empty");
    index.set("ab", "ab");
    index.set("ba", "ba");
    expect([index.get("é"), index.get("e\u0301"), index.get(""), index.get("ab"), index.get("ba"), index.size]).toEqual(
      ["again", "decomposed", "empty", "ab", "ba", 5],
    );
  });

  it("holds names longer than its scratch buffer", () => {
    const index = new NameIndex<number>();
    const long = "x".repeat(100_000);
    index.set(long, 1);
    index.set(`${long}y`, 2);
    expect([index.get(long), index.get(`${long}y`), index.get(long.slice(1))]).toEqual([1, 2, undefined]);
  });
});
