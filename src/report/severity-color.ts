import type { Severity } from "../core/findings.js";

/** The text reports' terminal colours: red errors, yellow warnings, cyan notes. */
const COLORS: Record<Severity, string> = { error: "\x1b[31m", warning: "\x1b[33m", info: "\x1b[36m" };

/** Colours text by a severity when `color` is on, and leaves it as it is otherwise. */
export function severityPainter(color: boolean | undefined): (severity: Severity, text: string) => string {
  return (severity, text) => (color ? `${COLORS[severity]}${text}\x1b[0m` : text);
}
