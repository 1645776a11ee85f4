import { escapeForTerminal as esc } from "./escape.js";

/**
 * What a table cell says in place of the text it leaves out. The table shows a bounded part of
 * each text so that its cost does not grow with the text; JSON has all of it.
 */

/** The default: how much text was left out. */
export function moreCharacters(rest: string): string {
  return `… ${[...rest].length.toLocaleString("en-US")} more characters: --format json has it all`;
}

// What stands between symbol names in a message ("a, b and 3 more: c (GPL-only)").
const BETWEEN_NAMES = /[\s,:;()"]+/;

/**
 * For a text listing `symbols` (as they come from the binary; the text shows them escaped): how
 * many of them the shown lines do not name. A name cut across two lines counts as left out.
 */
export function moreSymbols(symbols: readonly string[]): (rest: string, shown: readonly string[]) => string {
  return (rest, shown) => {
    const named = new Set(symbols.map(esc));
    const seen = new Set<string>();
    for (const line of shown) for (const word of line.split(BETWEEN_NAMES)) if (named.has(word)) seen.add(word);
    const left = named.size - seen.size;
    return left > 0
      ? `… ${left.toLocaleString("en-US")} more symbol${left === 1 ? "" : "s"}: --format json lists all`
      : moreCharacters(rest);
  };
}
