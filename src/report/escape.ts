/**
 * Makes a string from a binary safe for a terminal: control characters (including ESC, so no
 * escape sequence from a license tag can move the cursor or recolour the screen), DEL and C1
 * controls become visible escapes.
 */
export function escapeForTerminal(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\\]/g, (c) => {
    if (c === "\\") return "\\\\";
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}
