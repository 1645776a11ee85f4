/** Where the report goes, as far as its width is concerned (process.stdout, or null for a file). */
export interface ReportStream {
  isTTY?: boolean;
  columns?: number;
}

/**
 * Columns the table report may take: the terminal's when the report goes to one, else `COLUMNS`
 * when it holds a plain number (1 to 4 digits); otherwise undefined, which leaves the report's own
 * default: a pipe, a file or a CI log has no width to ask.
 */
export function reportWidth(
  stream: ReportStream | null,
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  if (stream?.isTTY && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const columns = env.COLUMNS?.trim() ?? "";
  if (!/^\d{1,4}$/.test(columns)) return undefined;
  const n = Number(columns);
  return n > 0 ? n : undefined;
}
