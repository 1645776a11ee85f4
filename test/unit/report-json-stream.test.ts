import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, type ScanResult } from "../../src/index.js";
import { jsonChunks, LazyArray } from "../../src/report/json-chunks.js";
import { jsonReport, renderJson, toJson } from "../../src/report/json.js";

const SAMPLES = fileURLToPath(new URL("../../samples", import.meta.url));
const stringified = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const joined = (chunks: Iterable<string>) => [...chunks].join("");

describe("JSON written in pieces", () => {
  it("gives JSON.stringify's bytes for nested values, escapes, and keys left out", () => {
    const value = {
      text: 'line\nbreak "quoted" \u202e tab\t',
      nested: { deep: [1, { a: [], b: {} }, "x"], empty: [] },
      gone: undefined,
      numbers: [0, -1.5, 1e21],
      nothing: null,
    };
    expect(joined(jsonChunks(value))).toBe(stringified(value));
  });

  it("writes a lazy array as the array it yields, empty or not, each item made as it is written", () => {
    const made: number[] = [];
    const items = function* () {
      for (const n of [1, 2, 3]) {
        made.push(n);
        yield n;
      }
    };
    const chunks = jsonChunks({
      before: 1,
      list: new LazyArray(items(), (n) => ({ n, s: `#${n}` })),
      none: new LazyArray([]),
    });
    const first = chunks.next();
    expect(first.done).toBe(false);
    expect(made).toEqual([]);
    expect(first.value + joined(chunks)).toBe(
      stringified({ before: 1, list: [1, 2, 3].map((n) => ({ n, s: `#${n}` })), none: [] }),
    );
  });

  it("writes an empty object as {}", () => {
    expect(joined(jsonChunks({}))).toBe("{}\n");
  });
});

describe("the JSON report in pieces", () => {
  let result: ScanResult;
  beforeAll(async () => {
    result = await scan([SAMPLES, join(SAMPLES, "does-not-exist")], { hash: true });
  });

  it("is byte for byte the indented JSON of toJson, with and without --list-skipped", () => {
    for (const options of [{}, { listSkipped: true }]) {
      expect(joined(jsonReport(result, options))).toBe(stringified(toJson(result, options)));
      expect(renderJson(result, options)).toBe(stringified(toJson(result, options)));
    }
  });

  it("makes each module's entry as it is written, not the whole array first", () => {
    const chunks = [...jsonReport(result)];
    expect(result.modules.length).toBeGreaterThan(5);
    const holding = chunks.filter((c) => c.includes('"sha256"'));
    expect(holding).toHaveLength(result.modules.length);
  });
});
