import type { BlobAttribution, ReachedSymbol } from "../audit/attribution.js";
import { renderBoxTable, type Cell, type Column, type TableWidthOption } from "./box-table.js";
import { escapeForTerminal as esc } from "./escape.js";
import { moreSymbols } from "./left-out.js";
import { notJudgedLines } from "./not-judged.js";
import { kernelTables } from "./kernel-tables.js";

const list = (rs: readonly ReachedSymbol[]) =>
  rs.map((r) => `${esc(r.symbol)}${r.gplOnly ? " (GPL-only)" : ""}`).join(", ");

const COLUMNS: readonly Column[] = [
  { head: "Blob calls (glue function)", min: 12, weight: 1 },
  { head: "Kernel exports its code reaches", min: 20, weight: 3 },
];

export type AttributionOptions = TableWidthOption;

export function renderAttribution(a: BlobAttribution, options: AttributionOptions = {}): string {
  const lines: string[] = [];
  const gplDirect = a.direct.filter((r) => r.gplOnly);
  const gplThrough = a.onlyThroughGlue.filter((r) => r.gplOnly);
  const license = a.glue.licenses.map((l) => `"${esc(l)}"`).join(", ") || "none";
  lines.push(`Blob ${esc(a.blob.name)} with glue ${esc(a.glue.name)} (license ${license}):`);
  const direct = a.direct.length ? `: ${list(a.direct)}` : "";
  lines.push(`  reaches ${a.direct.length} exports directly (${gplDirect.length} GPL-only)${direct}`);
  lines.push(
    `  reaches ${a.onlyThroughGlue.length} more only through ${a.viaGlue.length} glue functions ` +
      `(${gplThrough.length} GPL-only)${gplThrough.length ? `: GPL-only ${list(gplThrough)}` : ""}`,
  );
  if (a.unprovided.length)
    lines.push(
      `  ${a.unprovided.length} imports provided by neither the glue nor the kernel table: ` +
        `${a.unprovided.map(esc).join(", ")}`,
    );
  const rows = a.viaGlue
    .filter((v) => v.reaches.length)
    .map((v): Cell[] => [
      esc(v.glueFunction),
      [{ fit: "wrap", text: list(v.reaches), leftOut: moreSymbols(v.reaches.map((r) => r.symbol)) }],
    ]);
  if (rows.length) lines.push(renderBoxTable(COLUMNS, rows, options.width));
  // Without a table "0 GPL-only" would read as a verdict: say what the counts were judged against.
  for (const line of notJudgedLines(a)) lines.push(`not judged: ${line}`);
  const tables = kernelTables(a.kernel).map((t) => esc(t.file));
  const unknown = a.kernel.gplOnlyKnown ? "" : ", which of them are GPL-only unknown";
  if (tables.length)
    lines.push(`Kernel export table: ${tables.join(", ")} — ${a.kernel.exports} exports known${unknown}.`);
  return lines.join("\n") + "\n";
}
