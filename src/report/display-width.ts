/**
 * How many terminal columns text takes. The table lays cells out by it, so it has to agree with a
 * terminal: the colour codes the reports add take none, East Asian wide and emoji characters two,
 * combining marks and format characters none. Strings from binaries reach here escaped (no control
 * characters), so the only escape sequences are the reports' own SGR colour codes.
 */

const PLAIN = /^[\x20-\x7e]*$/;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;
const EMOJI = /\p{Emoji_Presentation}/u;

/** East Asian Wide and Fullwidth ranges (the table is-fullwidth-code-point uses). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3040, 0x3247], [0x3250, 0x4dbf],
  [0x4e00, 0xa4c6], [0xa960, 0xa97c], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19],
  [0xfe30, 0xfe6b], [0xff01, 0xff60], [0xffe0, 0xffe6], [0x1b000, 0x1b001], [0x1f200, 0x1f251],
  [0x20000, 0x3fffd],
];

/** Columns one code point takes. */
export function codePointWidth(c: number): number {
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 0;
  if (c < 0x300) return 1;
  const ch = String.fromCodePoint(c);
  if (ZERO_WIDTH.test(ch)) return 0;
  if (EMOJI.test(ch)) return 2;
  for (const [lo, hi] of WIDE) if (c >= lo && c <= hi) return 2;
  return 1;
}

/** The end of the SGR sequence (`ESC [ digits;… m`) starting at `i`, or `i` when none starts there. */
export function sgrEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 0x1b || s[i + 1] !== "[") return i;
  let j = i + 2;
  while (j < s.length && /[0-9;]/.test(s[j]!)) j++;
  return s[j] === "m" ? j + 1 : i;
}

/** Columns `s` takes on one line. */
export function displayWidth(s: string): number {
  if (PLAIN.test(s)) return s.length;
  let width = 0;
  for (let i = 0; i < s.length; ) {
    const end = sgrEnd(s, i);
    if (end > i) {
      i = end;
      continue;
    }
    const c = s.codePointAt(i)!;
    width += codePointWidth(c);
    i += c > 0xffff ? 2 : 1;
  }
  return width;
}
