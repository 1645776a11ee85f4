/**
 * Replaces unpaired UTF-16 surrogates with U+FFFD. Strings decoded from binaries or odd file names
 * can carry them, and they are not text: encodeURIComponent throws on them, XML forbids them.
 */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
