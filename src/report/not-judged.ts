import type { NotJudged, ScanResult } from "../core/results.js";
import { TABLE_CODES } from "../audit/not-judged.js";
import { escapeForTerminal as esc } from "./escape.js";

/** "path: message", or the message alone for a notice about the whole scan; not escaped. */
export const notJudgedText = (n: NotJudged): string => (n.path === undefined ? n.message : `${n.path}: ${n.message}`);

/** One line per notice, strings from file names made visible: the table report's lines and the CLI's stderr. */
export function notJudgedLines(result: Pick<ScanResult, "notJudged">): string[] {
  return result.notJudged.map((n) => esc(notJudgedText(n)));
}

/**
 * What every report says when no kernel export table tells which exports are GPL-only
 * (ScanResult.kernel.gplOnlyKnown is false); each adds its own advice and ending.
 */
export const EXPORT_TYPES_UNKNOWN =
  "No kernel export table with export types: GPL-only kernel exports are unknown, " +
  "only the scanned modules' own exports were checked";

/**
 * Whether a notice already says why the kernel's GPL-only exports are unknown: reporters then
 * leave out their generic "no kernel export table … pass --symvers FILE", which is wrong advice
 * when a table was passed and listed nothing.
 */
export const tableNoticeGiven = (result: Pick<ScanResult, "notJudged">): boolean =>
  result.notJudged.some((n) => TABLE_CODES.has(n.code));
