import Table from "cli-table3";
import type { BlobAttribution, ReachedSymbol } from "../attribution.js";
import { escapeForTerminal as esc } from "./escape.js";
import { notJudgedLines } from "./not-judged.js";

const list = (rs: readonly ReachedSymbol[]) => rs.map((r) => `${esc(r.symbol)}${r.gplOnly ? " (GPL-only)" : ""}`).join(", ");

export function renderAttribution(a: BlobAttribution): string {
  const lines: string[] = [];
  const gplDirect = a.direct.filter((r) => r.gplOnly);
  const gplThrough = a.onlyThroughGlue.filter((r) => r.gplOnly);
  lines.push(`Blob ${esc(a.blob.name)} with glue ${esc(a.glue.name)} (license ${a.glue.licenses.map((l) => `"${esc(l)}"`).join(", ") || "none"}):`);
  lines.push(`  reaches ${a.direct.length} exports directly (${gplDirect.length} GPL-only)${a.direct.length ? `: ${list(a.direct)}` : ""}`);
  lines.push(`  reaches ${a.onlyThroughGlue.length} more only through ${a.viaGlue.length} glue functions (${gplThrough.length} GPL-only)${gplThrough.length ? `: GPL-only ${list(gplThrough)}` : ""}`);
  if (a.unprovided.length) lines.push(`  ${a.unprovided.length} imports provided by neither the glue nor the kernel table: ${a.unprovided.map(esc).join(", ")}`);
  const table = new Table({ head: ["Blob calls (glue function)", "Kernel exports its code reaches"], style: { head: [], border: [] }, wordWrap: true, colWidths: [34, 96] });
  for (const v of a.viaGlue) if (v.reaches.length) table.push([esc(v.glueFunction), list(v.reaches)]);
  if (table.length) lines.push(table.toString());
  // Without a table "0 GPL-only" would read as a verdict: say what the counts were judged against.
  for (const line of notJudgedLines(a)) lines.push(`not judged: ${line}`);
  const tables = a.kernel.sources.filter((t) => t.kind !== "modules").map((t) => esc(t.file));
  if (tables.length) lines.push(`Kernel export table: ${tables.join(", ")} — ${a.kernel.exports} exports known${a.kernel.gplOnlyKnown ? "" : ", which of them are GPL-only unknown"}.`);
  return lines.join("\n") + "\n";
}
