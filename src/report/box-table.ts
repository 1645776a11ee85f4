import { drawTable } from "./cli-table.js";
import { displayWidth } from "./display-width.js";
import { moreCharacters } from "./left-out.js";
import { elideMiddle, wrapText } from "./text-fit.js";

/**
 * The box-drawn tables of the text reports, laid out here: the columns share the width, and each
 * cell is fitted to its column (wrapped, bounded, cut) before cli-table3 draws it (cli-table.ts),
 * so that what is drawn does not grow with the text behind it.
 */

/**
 * Widths the tables are laid out for: the default when the caller gives none, and the least, below
 * which columns would collapse.
 */
export const TABLE_WIDTH = { default: 120, min: 60 } as const;

/** The width option of every report drawn as box tables. */
export interface TableWidthOption {
  /** Columns the tables may take, borders included (TABLE_WIDTH's default when none, at least its least). */
  width?: number | undefined;
}

/** The width a table is drawn at, from the caller's (any number, or none). */
export function tableWidth(width: number | undefined): number {
  return width === undefined || !Number.isFinite(width)
    ? TABLE_WIDTH.default
    : Math.max(TABLE_WIDTH.min, Math.floor(width));
}

/**
 * How much of a wrapped block is shown unless it says otherwise: about this many columns of text,
 * so that a narrow column shows more lines, and never fewer than MIN_LINES lines.
 */
const TEXT_BUDGET = 720;
const MIN_LINES = 6;
/** Lines the note on what was left out may take; a text that overruns its lines by no more is shown whole. */
const NOTE_LINES = 3;

/**
 * One piece of a cell, starting on a line of its own.
 * - `wrap`: word-wrapped to the column, at most `maxLines` lines (by default as many as about
 *   TEXT_BUDGET columns of text take); what is left out is replaced by the lines of
 *   `leftOut(rest, shown)` (the text left out, the lines shown), wrapped too.
 * - `path`: one line, cut in the middle keeping the file name.
 */
export type Block =
  | { fit: "wrap"; text: string; maxLines?: number; leftOut?: (rest: string, shown: readonly string[]) => string }
  | { fit: "path"; text: string };

/** A cell: blocks one under the other; a string is one wrapped block. */
export type Cell = string | readonly Block[];

export interface Column {
  head: string;
  /** Columns it keeps however narrow the table (unless its content is narrower). */
  min: number;
  /** Its share of the width, relative to the other columns' (positive). */
  weight: number;
}

const blocksOf = (cell: Cell): readonly Block[] => (typeof cell === "string" ? [{ fit: "wrap", text: cell }] : cell);

/** The widest line the cell would have unwrapped. */
function naturalWidth(cell: Cell): number {
  let widest = 0;
  for (const b of blocksOf(cell)) for (const line of b.text.split("\n")) widest = Math.max(widest, displayWidth(line));
  return widest;
}

/** The cell's lines at `width` columns. */
function fitCell(cell: Cell, width: number): string[] {
  const out: string[] = [];
  for (const b of blocksOf(cell)) {
    if (b.fit === "wrap") {
      const max = b.maxLines ?? Math.max(MIN_LINES, Math.ceil(TEXT_BUDGET / width));
      const whole = wrapText(b.text, width, max + NOTE_LINES);
      if (whole.rest === "") out.push(...whole.lines);
      else {
        const { lines, rest } = wrapText(b.text, width, max);
        out.push(...lines, ...wrapText((b.leftOut ?? moreCharacters)(rest, lines), width, NOTE_LINES).lines);
      }
    } else out.push(elideMiddle(b.text, width));
  }
  return out;
}

/**
 * Column widths for `inner` columns of text: what each column's content needs when all fit;
 * otherwise the width shared in proportion to the weights, each column held between its minimum
 * and what it needs (what a column does not need goes to the others).
 */
export function shareWidths(columns: readonly Column[], needs: readonly number[], inner: number): number[] {
  const want = needs.map((n) => Math.max(1, n));
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  if (sum(want) <= inner) return want;
  const least = columns.map((c, i) => Math.min(want[i]!, c.min));
  // Narrower than the minimums (only when called below TABLE_WIDTH.min): shrink them alike.
  const floors = sum(least);
  if (floors > inner) return least.map((g) => Math.max(1, Math.floor((g * inner) / floors)));
  // The widest water level at which the columns, each at level × weight within its bounds, fit.
  const at = (level: number) => columns.map((c, i) => Math.min(want[i]!, Math.max(least[i]!, level * c.weight)));
  let low = 0;
  let high = Math.max(...want) / Math.min(...columns.map((c) => c.weight));
  for (let k = 0; k < 50; k++) {
    const mid = (low + high) / 2;
    if (sum(at(mid)) <= inner) low = mid;
    else high = mid;
  }
  const exact = at(low);
  const give = exact.map(Math.floor);
  // What rounding down left: a column each to those that want more, the largest fractions first.
  const order = columns
    .map((_, i) => i)
    .sort((a, b) => exact[b]! - give[b]! - (exact[a]! - give[a]!) || columns[b]!.weight - columns[a]!.weight);
  for (let left = inner - sum(give); left > 0; ) {
    const open = order.filter((i) => give[i]! < want[i]!);
    if (open.length === 0) break;
    for (const i of open.slice(0, left)) give[i]! += 1;
    left -= Math.min(left, open.length);
  }
  return give;
}

/** A table of `rows` under the columns' heads, no line wider than `tableWidth(width)` columns, borders included. */
export function renderBoxTable(columns: readonly Column[], rows: readonly (readonly Cell[])[], width?: number): string {
  // Each column: a border, a space, its text, a space; and one border closing the line.
  const inner = tableWidth(width) - 3 * columns.length - 1;
  const needs = columns.map((c, i) =>
    rows.reduce((n, row) => Math.max(n, naturalWidth(row[i] ?? "")), displayWidth(c.head)),
  );
  const widths = shareWidths(columns, needs, inner);
  const fit = (cells: readonly Cell[]) => widths.map((w, i) => fitCell(cells[i] ?? "", w));
  return drawTable(widths, [fit(columns.map((c) => c.head)), ...rows.map(fit)]);
}
