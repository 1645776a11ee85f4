/**
 * Indented JSON written a piece at a time, byte for byte what `JSON.stringify(value, null, 2)`
 * gives, so that a report on tens of thousands of modules is never one string (V8 caps a string
 * near 512 MiB) nor one object tree held whole beside it.
 */

/** An array of a report's top level whose items are made as they are written. */
export class LazyArray<T> {
  constructor(
    readonly items: Iterable<T>,
    readonly toJson: (item: T) => unknown = (item) => item,
  ) {}
}

/** A top-level object whose values are plain JSON values or LazyArrays. */
export type ChunkedObject = Record<string, unknown>;

/** `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep. */
const nested = (value: unknown, depth: number): string =>
  // A JSON text holds no raw line break but between its tokens, so every one starts an indented line.
  JSON.stringify(value, null, 2).replaceAll("\n", `\n${"  ".repeat(depth)}`);

function* arrayChunks<T>(array: LazyArray<T>): Generator<string> {
  let first = true;
  for (const item of array.items) {
    const json = array.toJson(item);
    // JSON.stringify writes null for an item that has no JSON form.
    yield `${first ? "[" : ","}\n    ${json === undefined ? "null" : nested(json, 2)}`;
    first = false;
  }
  yield first ? "[]" : "\n  ]";
}

/** The object as indented JSON and a final line break, in pieces of about one top-level value or array item. */
export function* jsonChunks(object: ChunkedObject): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(object)) {
    // As JSON.stringify does, a key whose value has no JSON form is left out.
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue;
    yield `${first ? "{" : ","}\n  ${JSON.stringify(key)}: `;
    first = false;
    if (value instanceof LazyArray) yield* arrayChunks(value);
    else yield nested(value, 1);
  }
  yield first ? "{}\n" : "\n}\n";
}
