/**
 * The one order for names and paths everywhere in kmodaudit: by UTF-16 code unit, as JavaScript's
 * `<` compares strings. Not localeCompare: reports must come out in the same order on every machine
 * and locale, and the kernel's own tools (sort in modpost, depmod) order bytes, not words.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct strings, in code-unit order. */
export function sortedUnique<T extends string>(items: Iterable<T>): T[] {
  return [...new Set(items)].sort(compareCodeUnits);
}

/** A comparator of objects by one string field, in code-unit order. */
export function byCodeUnits<K extends string>(key: K): <T extends Record<K, string>>(a: T, b: T) => number {
  return (a, b) => compareCodeUnits(a[key], b[key]);
}
