import { describe, expect, it } from "vitest";
import { NameTable } from "../../src/engine/name-table.js";

const table = (...names: string[]) => tableOf(names);
const tableOf = (names: string[]) => Buffer.from(names.join("\0") + "\0", "latin1");

describe("names interned from string-table bytes", () => {
  it("give the bytes' text, and the same string object for the same bytes anywhere", () => {
    const names = new NameTable();
    const a = table("_printk", "kfree");
    const b = table("kmalloc", "_printk");
    const first = names.get(a, 0, 7);
    const again = names.get(b, 8, 15);
    expect(first).toBe("_printk");
    expect(again).toBe(first);
    expect(names.get(a, 8, 13)).toBe("kfree");
    expect(names.size).toBe(2);
  });

  it("keep every one of 200,000 distinct names apart, hash collisions included", () => {
    // 200,000 names in a 32-bit hash give a few colliding pairs: each must still come back as itself.
    const names = new NameTable();
    const all = Array.from({ length: 200_000 }, (_, i) => `sym_${(i * 2654435761) >>> 0}_${i}`);
    const bytes = tableOf(all);
    const spans: [number, number][] = [];
    let at = 0;
    for (const s of all) {
      spans.push([at, at + s.length]);
      at += s.length + 1;
    }
    const first = spans.map(([s, e]) => names.get(bytes, s, e));
    expect(first).toEqual(all);
    const second = spans.map(([s, e]) => names.get(bytes, s, e));
    expect(second.every((s, i) => s === first[i])).toBe(true);
    expect(names.size).toBe(all.length);
  });

  it("tell apart names that differ only in length or in their last byte", () => {
    const names = new NameTable();
    const bytes = table("abc", "abcd", "abce", "");
    expect([names.get(bytes, 0, 3), names.get(bytes, 4, 8), names.get(bytes, 9, 13), names.get(bytes, 14, 14)]).toEqual(
      ["abc", "abcd", "abce", ""],
    );
  });

  it("leave non-ASCII and overlong bytes to the caller, who decodes them in its own encoding", () => {
    const names = new NameTable();
    const utf8 = Buffer.from("author=Jürgen\0", "utf8");
    expect(names.get(utf8, 7, utf8.length - 1)).toBeUndefined();
    const long = Buffer.alloc(NameTable.MAX_LENGTH + 1, 0x61);
    expect(names.get(long, 0, long.length)).toBeUndefined();
    expect(names.size).toBe(0);
  });
});
