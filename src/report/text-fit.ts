import { codePointWidth, displayWidth } from "./display-width.js";

/**
 * Fitting text into a table cell: wrapped to a width and a number of lines, or cut to one line.
 * Every function here reads only as much text as it shows (plus one measuring pass), so a cell
 * costs the same whether the text behind it is a hundred characters or a megabyte.
 */

const RESET = "\x1b[0m";

/** The end of the SGR sequence (`ESC [ digits;… m`) starting at `i`, or `i` when none starts there. */
function sgrEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 0x1b || s[i + 1] !== "[") return i;
  let j = i + 2;
  while (j < s.length && /[0-9;]/.test(s[j]!)) j++;
  return s[j] === "m" ? j + 1 : i;
}

/** The colour open after `s`, given the colour open before it: the last SGR code, unless that resets. */
function colourAfter(s: string, open: string | null): string | null {
  if (!s.includes("\x1b")) return open;
  for (let i = 0; i < s.length; i++) {
    const end = sgrEnd(s, i);
    if (end === i) continue;
    const params = s.slice(i + 2, end - 1);
    open = params === "" || params === "0" || params === "39" ? null : s.slice(i, end);
    i = end - 1;
  }
  return open;
}

/**
 * The end index of the longest run of `s` from `start` within `cols` columns. With `progress`, at
 * least one code point, so wrapping moves on even when a wide character is wider than the line.
 */
function endWithin(s: string, start: number, cols: number, progress = false): number {
  let used = 0;
  let i = start;
  while (i < s.length) {
    const end = sgrEnd(s, i);
    if (end > i) {
      i = end;
      continue;
    }
    const c = s.codePointAt(i)!;
    const w = codePointWidth(c);
    if (used + w > cols && !(progress && i === start)) break;
    used += w;
    i += c > 0xffff ? 2 : 1;
  }
  return i;
}

/** The start index of the longest tail of `s` within `cols` columns (plain text). */
function startWithin(s: string, cols: number): number {
  let used = 0;
  let i = s.length;
  while (i > 0) {
    const low = s.charCodeAt(i - 1);
    const step = low >= 0xdc00 && low <= 0xdfff && i > 1 ? 2 : 1;
    const w = codePointWidth(s.codePointAt(i - step)!);
    if (used + w > cols) break;
    used += w;
    i -= step;
  }
  return i;
}

export interface Wrapped {
  /** Lines of at most the width, colour closed at each line's end and reopened on the next. */
  lines: string[];
  /** The text that did not fit in the lines allowed ("" when all of it did). */
  rest: string;
}

const TOKEN = /\n| +|[^ \n]+/g;

/**
 * Word-wraps `text` to `width` columns and at most `maxLines` lines. Lines break at spaces and at
 * "\n"; a word longer than a line is cut across lines. SGR colour codes take no width.
 */
export function wrapText(text: string, width: number, maxLines = Infinity): Wrapped {
  const w = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let colour: string | null = null;
  let line = "";
  let used = 0;
  let space = "";
  const endLine = () => {
    lines.push(colour === null ? line : line + RESET);
    line = colour ?? "";
    used = 0;
    space = "";
  };
  const token = new RegExp(TOKEN);
  let rest = "";
  let m: RegExpExecArray | null;
  scan: while ((m = token.exec(text)) !== null) {
    const tok = m[0];
    if (tok === "\n") {
      if (lines.length + 1 >= maxLines) {
        rest = text.slice(m.index + 1);
        break;
      }
      endLine();
      continue;
    }
    if (tok[0] === " ") {
      space = tok;
      continue;
    }
    if (lines.length >= maxLines) {
      rest = text.slice(m.index);
      break;
    }
    const tokWidth = displayWidth(tok);
    if (used > 0 && used + space.length + tokWidth <= w) {
      line += space + tok;
      used += space.length + tokWidth;
    } else {
      if (used > 0) {
        endLine();
        if (lines.length >= maxLines) {
          rest = text.slice(m.index);
          break;
        }
      }
      // A word longer than a line (a path, a hex string) is cut into line-long pieces.
      let from = 0;
      while (tokWidth > w) {
        const to = endWithin(tok, from, w, true);
        if (to >= tok.length) break;
        const piece = tok.slice(from, to);
        line += piece;
        colour = colourAfter(piece, colour);
        endLine();
        from = to;
        if (lines.length >= maxLines) {
          rest = text.slice(m.index + from);
          break scan;
        }
      }
      const last = tok.slice(from);
      line += last;
      used = displayWidth(last);
      colour = colourAfter(last, colour);
      space = "";
      continue;
    }
    colour = colourAfter(tok, colour);
    space = "";
  }
  if (lines.length < maxLines) {
    // A line holding only the reopened colour is empty.
    const bare = colour !== null && line === colour;
    lines.push(bare ? "" : colour === null ? line : line + RESET);
  }
  return { lines, rest: rest.trim() === "" ? "" : rest };
}

/** `s` on one line of at most `width` columns, its end cut and marked "…" (plain text). */
function elideEnd(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 1) return "…".slice(0, Math.max(width, 0));
  return s.slice(0, endWithin(s, 0, width - 1)) + "…";
}

/** `s` within `width` columns, its middle cut and marked "…", keeping both ends (plain text). */
function elideInside(s: string, width: number): string {
  if (width <= 2) return elideEnd(s, width);
  const head = Math.ceil((width - 1) / 2);
  return s.slice(0, endWithin(s, 0, head)) + "…" + s.slice(startWithin(s, width - 1 - head));
}

/**
 * A path on one line of at most `width` columns, cut in the middle: the file name whole, and as
 * much of the start as fits before it (`image.iso!/pool/main/l/li…/foo.ko`). A file name too long
 * for the line keeps its start and its end.
 */
export function elideMiddle(path: string, width: number): string {
  if (displayWidth(path) <= width) return path;
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const room = width - 2 - displayWidth(name);
  if (slash > 0 && room >= 1) return path.slice(0, endWithin(path, 0, room)) + "…/" + name;
  return elideInside(name, width);
}
