import Table from "cli-table3";

/**
 * The adapter through which cli-table3 draws the text tables, in the way it is linear.
 *
 * Its multi-line cells are quadratic: on every line it draws, a cell truncates its whole text to 10
 * columns for a debug message, and for a text of several lines (widest line ≠ length) that cuts
 * one character at a time and measures the rest again each time. So it gets single-line cells
 * only (its fast path: a line is measured a few times, each in time linear in the line), one
 * table row per line drawn. Its layout is quadratic too, in a table's rows (each cell is checked
 * against every cell above it), so a table is drawn as several cli-table3 tables of at most
 * ROWS_PER_TABLE lines, which cli-table3 draws without any rule; the rules (top, under the head,
 * between rows, bottom) are drawn here from the same characters and widths.
 */

/** The box characters, by cli-table3's names (its defaults). */
const BOX = {
  top: "─",
  "top-mid": "┬",
  "top-left": "┌",
  "top-right": "┐",
  bottom: "─",
  "bottom-mid": "┴",
  "bottom-left": "└",
  "bottom-right": "┘",
  left: "│",
  "left-mid": "├",
  mid: "─",
  "mid-mid": "┼",
  right: "│",
  "right-mid": "┤",
  middle: "│",
} as const;

/**
 * What cli-table3 is given: the vertical borders only, so that it draws no rule between the lines of a
 * row (nor above or below).
 */
const LINES_ONLY = {
  ...BOX,
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  "right-mid": "",
};

const OPTIONS = {
  chars: LINES_ONLY,
  wordWrap: false,
  // No colour of its own (its defaults paint the head red and the borders grey on a terminal);
  // compact: it need not draw the blank rules between rows.
  style: { "padding-left": 1, "padding-right": 1, head: [], border: [], compact: true },
};

/**
 * Lines drawn by one cli-table3 table: enough to make its per-table cost nothing, few enough to keep
 * its layout's quadratic cost small.
 */
const ROWS_PER_TABLE = 32;

/** A logical row: its cells, each as the lines it shows. */
export type DrawnRow = readonly (readonly string[])[];

/**
 * The table: `rows[0]` is the head, every cell's lines at most its column's width (display
 * columns, colour codes taking none). Each line has a space either side of the text and a border.
 */
export function drawTable(widths: readonly number[], rows: readonly DrawnRow[]): string {
  // cli-table3 counts the padding in a column's width.
  const colWidths = widths.map((w) => w + 2);
  const rule = (line: "top" | "mid" | "bottom", left: string, join: string, right: string) =>
    left + widths.map((w) => BOX[line].repeat(w + 2)).join(join) + right;
  const between = rule("mid", BOX["left-mid"], BOX["mid-mid"], BOX["right-mid"]);
  const out = [rule("top", BOX["top-left"], BOX["top-mid"], BOX["top-right"])];
  rows.forEach((row, r) => {
    if (r > 0) out.push(between);
    const cells = widths.map((_, i) => singleLines(row[i] ?? [""]));
    const height = Math.max(1, ...cells.map((lines) => lines.length));
    for (let from = 0; from < height; from += ROWS_PER_TABLE) {
      const to = Math.min(height, from + ROWS_PER_TABLE);
      // A copy of the widths each time: cli-table3 writes its layout into the array it is given.
      const table = new Table({ ...OPTIONS, colWidths: [...colWidths] });
      for (let k = from; k < to; k++) table.push(lineCells(cells, k, from, to));
      out.push(table.toString());
    }
  });
  out.push(rule("bottom", BOX["bottom-left"], BOX["bottom-mid"], BOX["bottom-right"]));
  return out.join("\n");
}

/** The lines, none holding "\n": such a line would be a multi-line cell to cli-table3, the quadratic path. */
function singleLines(lines: readonly string[]): readonly string[] {
  return lines.some((line) => line.includes("\n")) ? lines.flatMap((line) => line.split("\n")) : lines;
}

/**
 * The cells cli-table3 gets for line `k` of a row drawn as its lines `from` to `to`: a column's
 * line while it has one; below its last line, one empty cell spanning the rest (cli-table3 draws
 * the lines it spans as blank, without setting up a cell for each: a cell costs it as much as the
 * rest of the line), and nothing on the lines it spans.
 */
function lineCells(columns: readonly (readonly string[])[], k: number, from: number, to: number): Table.Cell[] {
  const line: Table.Cell[] = [];
  for (const lines of columns) {
    if (k < lines.length) line.push(lines[k]!);
    else if (k === Math.max(lines.length, from)) line.push(to - k > 1 ? { content: "", rowSpan: to - k } : "");
  }
  return line;
}
