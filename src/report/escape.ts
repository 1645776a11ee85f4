/** A character shown as the escape a reader can see: `\\`, `\n`, `\t`, `\r`, `\xNN` or `\uNNNN`. */
function shown(c: string): string {
  if (c === "\\") return "\\\\";
  if (c === "\n") return "\\n";
  if (c === "\t") return "\\t";
  if (c === "\r") return "\\r";
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Replaces every character the global regex `pattern` matches (it should match backslashes too, so
 * escapes stay unambiguous) with what `shown` gives.
 */
export function escapeMatching(s: string, pattern: RegExp): string {
  return s.replace(pattern, shown);
}

/**
 * Characters that reorder or hide what a reader sees ("Trojan Source"): bidirectional marks,
 * overrides and isolates, zero-width characters, line and paragraph separators, the BOM. A module
 * name or license from a binary could otherwise pose as another.
 */
const REORDERING = "\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff";

const INVISIBLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${REORDERING}\\\\]`, "g");

/**
 * Makes a string from a binary safe for a terminal and for any reader: control characters
 * (including ESC, so no escape sequence from a license tag can move the cursor or recolour the
 * screen), DEL, C1 controls and the characters that reorder or hide text become visible escapes.
 */
export function escapeForTerminal(s: string): string {
  return escapeMatching(s, INVISIBLE);
}

/** Only the characters that reorder or hide text, for formats that escape controls their own way (XML). */
export const REORDERING_CHARS = new RegExp(`[${REORDERING}]`, "g");

/**
 * At most `max` characters (code points, not UTF-16 units), marking the cut. Binary strings can be
 * 64 KiB long (--max-string).
 */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}
