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

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\\]/g;

/**
 * Makes a string from a binary safe for a terminal: control characters (including ESC, so no
 * escape sequence from a license tag can move the cursor or recolour the screen), DEL and C1
 * controls become visible escapes.
 */
export function escapeForTerminal(s: string): string {
  return escapeMatching(s, TERMINAL_CONTROLS);
}

/**
 * At most `max` characters (code points, not UTF-16 units), marking the cut. Binary strings can be
 * 64 KiB long (--max-string).
 */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}
