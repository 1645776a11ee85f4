import { escapeForTerminal, truncate } from "./escape.js";

/**
 * Characters a reader could not see, or that would reorder what they see, shown as escapes: C0/C1
 * controls, DEL, bidirectional overrides and isolates, zero-width marks and line separators. A
 * module name from a binary can then neither hide text nor pose as another ("Trojan Source").
 */
export const visible = escapeForTerminal;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Markup characters as entities: safe in HTML/SVG text and in quoted attribute values. */
export function entities(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Text from a binary, ready for HTML text or a quoted attribute. */
export function escapeHtml(s: string): string {
  return entities(visible(s));
}

/** A label cut to `max` characters (after escaping controls, so the width is what is shown), then made safe. */
export function escapeLabel(s: string, max: number): string {
  return entities(truncate(visible(s), max));
}
