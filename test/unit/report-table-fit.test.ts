import { describe, expect, it } from "vitest";
import { shareWidths } from "../../src/report/box-table.js";
import { displayWidth } from "../../src/report/display-width.js";
import { elideMiddle, wrapText } from "../../src/report/text-fit.js";

const RED = "\x1b[31m";
const RESET = "\x1b[0m";
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

describe("displayWidth", () => {
  it("counts colour codes as nothing, East Asian wide characters and emoji as two columns, combining accents as none", () => {
    expect(displayWidth(`${RED}error${RESET}`)).toBe(5);
    expect(displayWidth("名前.ko")).toBe(7);
    expect(displayWidth("🐧")).toBe(2);
    expect(displayWidth("e\u0301")).toBe(1);
  });
});

describe("wrapText", () => {
  it("breaks at spaces, no line wider than asked", () => {
    const text = 'license "Proprietary" is not GPL-compatible, yet it imports 3 GPL-only symbols';
    const { lines, rest } = wrapText(text, 20);
    expect(lines).toEqual([
      "license",
      '"Proprietary" is not',
      "GPL-compatible, yet",
      "it imports 3",
      "GPL-only symbols",
    ]);
    expect(rest).toBe("");
  });

  it("cuts a word longer than a line across lines", () => {
    expect(wrapText("see lib/modules/6.1.0-57-amd64/kernel", 12).lines).toEqual([
      "see",
      "lib/modules/",
      "6.1.0-57-amd",
      "64/kernel",
    ]);
  });

  it("keeps at most the lines allowed and returns the text it left out", () => {
    const { lines, rest } = wrapText("a1 b2 c3 d4 e5 f6 g7", 5, 2);
    expect(lines).toEqual(["a1 b2", "c3 d4"]);
    expect(rest).toBe("e5 f6 g7");
  });

  it("closes a colour at a line's end and opens it again on the next, so no colour reaches a border", () => {
    const { lines } = wrapText(`${RED}warning gpl-shim-reexport${RESET}: non-GPL module`, 12);
    expect(lines).toEqual([
      `${RED}warning${RESET}`,
      `${RED}gpl-shim-ree${RESET}`,
      `${RED}xport${RESET}:`,
      "non-GPL",
      "module",
    ]);
  });

  it("lays coloured text out as it lays out the same text without colour", () => {
    const text = 'error gpl-only-symbol-use: license "Proprietary" is not GPL-compatible';
    for (const width of [5, 12, 30])
      expect(
        wrapText(
          `${RED}error gpl-only-symbol-use${RESET}: license "Proprietary" is not GPL-compatible`,
          width,
        ).lines.map(plain),
      ).toEqual(wrapText(text, width).lines);
  });
});

describe("elideMiddle", () => {
  const PROVENANCE =
    "image.iso!/pool/main/l/linux/linux-image-6.1.0-57-amd64-unsigned_6.1.192-3_amd64.deb!/data.tar.xz!/lib/modules/6.1.0-57-amd64/kernel/drivers/net/foo.ko";

  it("leaves a path that fits as it is", () => {
    expect(elideMiddle("kernel/drivers/net/foo.ko", 40)).toBe("kernel/drivers/net/foo.ko");
  });

  it("keeps the file name whole and as much of the start as fits, the cut marked …", () => {
    const cut = elideMiddle(PROVENANCE, 40);
    expect(displayWidth(cut)).toBe(40);
    expect(cut).toBe("image.iso!/pool/main/l/linux/lin…/foo.ko");
  });

  it("keeps both ends of a file name too long for the line", () => {
    const cut = elideMiddle("updates/dkms/a_module_name_far_longer_than_the_column_allows.ko", 20);
    expect(displayWidth(cut)).toBe(20);
    expect(cut).toBe("a_module_n…allows.ko");
  });

  it("counts wide characters as two columns when cutting", () => {
    expect(elideMiddle("ドライバ/ネットワーク/カード/foo.ko", 16)).toBe("ドライバ…/foo.ko");
  });
});

describe("shareWidths", () => {
  const MAIN = [
    { head: "Module", min: 12, weight: 3 },
    { head: "License", min: 11, weight: 2 },
    { head: "Findings", min: 20, weight: 7 },
  ];

  it("gives each column what its content needs when everything fits", () => {
    expect(shareWidths(MAIN, [20, 11, 40], 110)).toEqual([20, 11, 40]);
  });

  it("shares the width by weight, a column that needs less keeping only that and the others taking the rest", () => {
    expect(shareWidths(MAIN, [30, 11, 300], 110)).toEqual([30, 11, 69]);
    expect(shareWidths(MAIN, [60, 27, 300], 110)).toEqual([28, 18, 64]);
  });

  it("never gives more than the width, nor less than a column's minimum or more than its need", () => {
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let k = 0; k < 2000; k++) {
      const columns = Array.from({ length: 1 + next(5) }, () => ({ head: "", min: 1 + next(15), weight: 1 + next(7) }));
      const needs = columns.map(() => next(200));
      const inner = columns.reduce((a, c) => a + c.min, 0) + next(150);
      const widths = shareWidths(columns, needs, inner);
      expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(inner);
      widths.forEach((w, i) => {
        expect(w).toBeGreaterThanOrEqual(Math.min(columns[i]!.min, Math.max(1, needs[i]!)));
        expect(w).toBeLessThanOrEqual(Math.max(1, needs[i]!));
      });
    }
  });
});
