import type { ExportRow, SymbolHistory } from "../resolve/export-history.js";
import { tableWidth, type TableWidthOption } from "./box-table.js";
import { escapeForTerminal as esc } from "./escape.js";
import { wrapText } from "./text-fit.js";

const describe = (row: ExportRow | null): string =>
  row === null
    ? "not exported"
    : `${row.type} from ${esc(row.provider)}${row.namespace ? ` in namespace ${esc(row.namespace)}` : ""}`;

/** "6.1.0-47-amd64 … 7.3.4+deb13-rt-arm64 (212 releases)": the oldest and newest, and how many. */
function span(releases: readonly string[]): string {
  const n = releases.length;
  if (n === 1) return `${releases[0]} (1 release)`;
  return `${releases[0]} … ${releases[n - 1]} (${n} releases)`;
}

/** Lines as [depth, text], before they are fitted to the width. */
function historyLines(h: SymbolHistory): [number, string][] {
  if (!h.known) return [[0, `${esc(h.symbol)}: exported by no release of the embedded database`]];
  const lines: [number, string][] = [[0, `${esc(h.symbol)}:`]];
  for (const s of h.states) {
    lines.push([1, `${describe(s.state)}: ${span(s.releases)}`]);
    lines.push([2, `flavours: ${s.flavours.map(esc).join(", ")}`]);
  }
  if (h.changes.length === 0) return [...lines, [1, "no change within any flavour"]];
  lines.push([1, "changes (first release of each, by flavour):"]);
  for (const c of h.changes)
    lines.push([
      2,
      `${esc(c.release)} (after ${esc(c.previous)}): ${c.changes.join(", ")}: ${describe(c.before)} → ${describe(c.after)}`,
    ]);
  return lines;
}

/**
 * Each symbol: its states across the database, then the first release of each change, by flavour.
 * A line longer than the width goes on below, indented one step further.
 */
export function renderSymbolHistory(histories: readonly SymbolHistory[], options: TableWidthOption = {}): string {
  const width = tableWidth(options.width);
  const out: string[] = [];
  for (const h of histories) {
    if (out.length) out.push("");
    for (const [depth, text] of historyLines(h)) {
      const indent = "  ".repeat(depth);
      const [first = "", ...rest] = wrapText(text, width - indent.length).lines;
      out.push(indent + first);
      if (rest.length)
        for (const more of wrapText(rest.join(" "), width - indent.length - 2).lines) out.push(`${indent}  ${more}`);
    }
  }
  return `${out.join("\n")}\n`;
}

export const symbolHistoryJson = (histories: readonly SymbolHistory[]) => ({ schemaVersion: 1, symbols: histories });
