import Table from "cli-table3";
import type { BlobAttribution, ReachedSymbol } from "../attribution.js";
import { escapeForTerminal as esc } from "./escape.js";

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
  return lines.join("\n") + "\n";
}
