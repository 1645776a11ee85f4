import stringWidth from "string-width";

/**
 * How many terminal columns text takes, by string-width: the measure cli-table3 pads and cuts its
 * cells by, so that a line fitted to a column is drawn as it was fitted. Colour codes take none,
 * East Asian wide characters and emoji two, combining diacritics (U+0300–U+036F) none; other
 * combining marks and format characters take one there, though most terminals give them none.
 * Strings from binaries reach here escaped (no control characters), so the only escape sequences
 * are the reports' own colours.
 */

// Printable ASCII takes a column a character, as string-width counts it, without its per-call regexes.
const PLAIN = /^[\x20-\x7e]*$/;

/** Columns `s` takes on one line. */
export function displayWidth(s: string): number {
  return PLAIN.test(s) ? s.length : stringWidth(s);
}

/** Columns one code point takes, alone. */
export function codePointWidth(c: number): number {
  return c >= 0x20 && c < 0x7f ? 1 : stringWidth(String.fromCodePoint(c));
}
