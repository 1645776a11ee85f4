import { REORDERING_CHARS } from "./escape.js";
import { wellFormed } from "./well-formed.js";

/**
 * Characters XML 1.0 cannot carry at all, not even as character references: C0 controls other
 * than tab, LF and CR, and U+FFFE/U+FFFF (lone surrogates are mended by wellFormed first).
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

const visible = (c: string) =>
  c.charCodeAt(0) < 0x20 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : `\\u${c.charCodeAt(0).toString(16)}`;

const ENTITY: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};

/** Element content: always well-formed, whatever the string holds, and no character that reorders text. */
export function xmlText(s: string): string {
  return wellFormed(s)
    .replace(NOT_XML, visible)
    .replace(REORDERING_CHARS, visible)
    .replace(/[&<>]|\r/g, (c) => ENTITY[c]!);
}

/**
 * An attribute value in double quotes; line breaks and tabs as references, which attribute-value
 * normalisation would otherwise turn into spaces.
 */
export function xmlAttr(s: string): string {
  return wellFormed(s)
    .replace(NOT_XML, visible)
    .replace(REORDERING_CHARS, visible)
    .replace(/[&<>"'\n\r\t]/g, (c) => ENTITY[c]!);
}
