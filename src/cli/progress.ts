import { escapeForTerminal } from "../report/escape.js";

/** Where a scan is: files accounted for, of how many (null until the walk has listed them all). */
export interface ProgressState {
  done: number;
  total: number | null;
  /** The file last accounted for, as the report will show it. */
  path: string;
  elapsedMs: number;
}

const width = (s: string) => Array.from(s).length;

/** The last `n` characters of a path, marked as cut: its end (the file name) says the most. */
function tail(s: string, n: number): string {
  const chars = Array.from(s);
  if (chars.length <= n) return s;
  return n <= 1 ? "…".slice(0, n) : "…" + chars.slice(chars.length - (n - 1)).join("");
}

/**
 * One progress line, without the carriage return: `[████░░░░] 1234/4023  31%  812 files/s  path`.
 * It fits in columns - 1, so a terminal that wraps at the last column does not scroll; the path
 * gives way first, then the bar.
 */
export function formatProgressLine(s: ProgressState, columns: number, color: boolean): string {
  const room = Math.max(columns - 1, 0);
  const rate = s.elapsedMs > 0 ? Math.round((s.done * 1000) / s.elapsedMs) : 0;
  const counts =
    s.total === null
      ? `${s.done} files, listing…`
      : `${s.done}/${s.total}  ${Math.floor((100 * s.done) / Math.max(s.total, 1))}%`;
  const stats = `${counts}  ${rate} files/s`;
  const barWidth = s.total === null ? 0 : room >= 80 ? 24 : room >= 50 ? 12 : 0;
  let bar = "";
  if (barWidth > 0) {
    const filled = Math.min(barWidth, Math.floor((barWidth * s.done) / Math.max(s.total!, 1)));
    const full = "█".repeat(filled);
    bar = `[${color ? `\x1b[36m${full}\x1b[0m` : full}${"░".repeat(barWidth - filled)}] `;
  }
  const barCells = barWidth > 0 ? barWidth + 3 : 0;
  const fixed = barCells + width(stats);
  if (fixed > room) return Array.from(stats).slice(0, room).join("");
  const what = s.total !== null && s.done >= s.total ? "resolving symbols…" : escapeForTerminal(s.path);
  const pathRoom = room - fixed - 2;
  return `${bar}${stats}${pathRoom >= 8 ? `  ${tail(what, pathRoom)}` : ""}`;
}

/** The terminal the bar is drawn on: stderr, never stdout (which carries the report). */
export interface ProgressStream {
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  stream: ProgressStream;
  color: boolean;
  /** A scan that ends sooner draws nothing (default 1 s). */
  delayMs?: number;
  /** Least time between two redraws (default 100 ms, so at most 10 a second). */
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  update(done: number, path: string, total: number | null): void;
  /** Erases the line, so the report starts on a clean one; later updates draw nothing. */
  clear(): void;
}

/** A progress bar redrawn in place on a terminal, shown only for scans longer than `delayMs`. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const delay = options.delayMs ?? 1000;
  const interval = options.intervalMs ?? 100;
  const start = now();
  let drawnAt = -Infinity;
  let drawn = false;
  let finished = false; // the line for done === total has been drawn
  let closed = false;
  return {
    update(done, path, total) {
      if (closed) return;
      const t = now();
      const last = total !== null && done >= total;
      // The final count is drawn even inside the interval: it stays up while the audit runs.
      if (t - start < delay || (t - drawnAt < interval && !(last && !finished))) return;
      drawnAt = t;
      drawn = true;
      finished ||= last;
      const line = formatProgressLine(
        { done, total, path, elapsedMs: t - start },
        options.stream.columns || 80,
        options.color,
      );
      options.stream.write(`\r${line}\x1b[K`);
    },
    clear() {
      if (drawn) options.stream.write("\r\x1b[2K");
      drawn = false;
      closed = true;
    },
  };
}
