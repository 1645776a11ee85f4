import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderBoxTable, type Cell, type Column } from "../../src/report/box-table.js";

/** The rows of every table cli-table3 was asked to draw, as it got them. */
const drawn: unknown[][][] = [];

vi.mock("cli-table3", async (importOriginal) => {
  const Real = ((await importOriginal()) as { default: typeof import("cli-table3") }).default;
  class Recorded extends Real {
    override toString(): string {
      drawn.push([...this] as unknown[][]);
      return super.toString();
    }
  }
  return { default: Recorded };
});

const COLUMNS: readonly Column[] = [
  { head: "Name", min: 4, weight: 1 },
  { head: "State", min: 5, weight: 1 },
];

const words = (n: number) => Array.from({ length: n }, (_, i) => `symbol_${i}`).join(" ");

beforeEach(() => {
  drawn.length = 0;
});

describe("the tables cli-table3 draws", () => {
  it("look as before: a rule under the head and between rows, none between the lines of a row", () => {
    expect(
      renderBoxTable(
        COLUMNS,
        [
          ["nvidia", "live\npermanent"],
          ["e1000e", "unloading"],
        ],
        60,
      ),
    ).toBe(
      [
        "┌────────┬───────────┐",
        "│ Name   │ State     │",
        "├────────┼───────────┤",
        "│ nvidia │ live      │",
        "│        │ permanent │",
        "├────────┼───────────┤",
        "│ e1000e │ unloading │",
        "└────────┴───────────┘",
      ].join("\n"),
    );
  });

  // cli-table3 measures a multi-line cell's whole text again for every line it draws (quadratic).
  it("are given one line per cell, never a cell holding a line break", () => {
    const rows: Cell[][] = [
      ["nvidia", "live\npermanent"],
      ["vendor", [{ fit: "wrap", text: words(200), maxLines: 12 }]],
    ];
    expect(renderBoxTable(COLUMNS, rows, 60).split("\n").length).toBeGreaterThan(12);
    const cells = drawn.flat(2);
    expect(cells.filter((c) => typeof c === "string" && c !== "").length).toBeGreaterThan(12);
    for (const cell of cells) expect(cell).toEqual(expect.not.stringContaining("\n"));
  });

  // A cell costs cli-table3 as much as the rest of the line it is on; a line it spans costs little.
  it("get the blank lines under a column's last line as one cell spanning them, drawn as blank lines between the borders", () => {
    const rows: Cell[][] = [
      ["nvidia", Array.from({ length: 20 }, (_, i) => `state ${i}`).join("\n")],
      ["a\nb\nc", "live"],
    ];
    const out = renderBoxTable(COLUMNS, rows, 60).split("\n");
    expect(out.slice(3, 6)).toEqual(["│ nvidia │ state 0  │", "│        │ state 1  │", "│        │ state 2  │"]);
    expect(out.slice(-5)).toEqual([
      "├────────┼──────────┤",
      "│ a      │ live     │",
      "│ b      │          │",
      "│ c      │          │",
      "└────────┴──────────┘",
    ]);
    // The head's 2 cells; the first row's name, one cell under it and its 20 states; the second row's 3 lines, its state and one cell under it.
    expect(drawn.flat(2).length).toBe(2 + (2 + 20) + (3 + 2));
  });

  // Its layout checks each cell against every cell above it in the table (quadratic in its rows).
  it("hold no more rows for a table twice as long, nor for a row twice as tall: it is drawn in parts of a bounded size", () => {
    const largest = (n: number, tall: number) => {
      drawn.length = 0;
      const rows: Cell[][] = Array.from({ length: n }, (_, i) => [`module_${i}`, i % 2 ? "live" : "live\npermanent"]);
      const lines = Array.from({ length: tall }, (_, i) => `line ${i}`).join("\n");
      rows.push(["vendor", [{ fit: "wrap", text: lines, maxLines: tall }]]);
      expect(renderBoxTable(COLUMNS, rows, 60).split("\n").length).toBeGreaterThan(2 * n + tall);
      return Math.max(...drawn.map((rows) => rows.length));
    };
    expect(largest(1_000, 80)).toBe(largest(500, 40));
  });
});
