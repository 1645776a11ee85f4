import { escapeForTerminal } from "./escape.js";

export { truncate } from "./escape.js";

/**
 * Markdown that renders a string literally, for strings that come from binaries: controls made
 * visible first, then every character Markdown or GitHub would act on neutralised.
 */

/** Inline Markdown syntax, raw HTML, entities, table pipes and GitHub math become literal text. */
const ACTIVE = /[\\`*_[\]<>&|~$]/g;

/**
 * Prose. `@` and `#` go into code spans: GitHub turns "@name" into a notification and "#12" into
 * an issue link even when backslash-escaped, but never inside code. GFM's other autolinks start
 * at "://" and "www.", which an escaped colon or dot defuses.
 */
export function markdownText(s: string): string {
  return escapeForTerminal(s)
    .replace(ACTIVE, "\\$&")
    .replace(/:(?=\/\/)/g, "\\:")
    .replace(/\b(www)\./gi, "$1\\.")
    .replace(/[@#]/g, "`$&`");
}

/**
 * A code span holding `s` exactly: a fence longer than any run of backticks inside, padded when
 * the content would otherwise merge with the fence. In a table cell a pipe must be written `\|`
 * even inside code (GFM splits cells before it parses spans), and is shown as `|`.
 */
export function codeSpan(s: string, inTable: boolean): string {
  let text = escapeForTerminal(s) || " ";
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  if (text.startsWith("`") || text.endsWith("`") || (text.startsWith(" ") && text.endsWith(" ") && text.trim() !== ""))
    text = ` ${text} `;
  if (inTable) text = text.replace(/\|/g, "\\|");
  return `${fence}${text}${fence}`;
}
