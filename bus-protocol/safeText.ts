/**
 * Untrusted text (the content of a file the user pointed us at, a session line, a JSON key) made
 * safe to put in an error message: a crafted file must not be able to send escape sequences to
 * the terminal, nor flood it. Pure and browser-safe.
 */

/** Longest excerpt of untrusted text an error message quotes by default, characters. */
export const EXCERPT_CHARS = 60;

/** Appended to an excerpt that was cut. */
export const ELLIPSIS = '…';

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control characters (C0, DEL, C1), format characters (bidi overrides, zero-width), lone
 * surrogates, private-use and unassigned code points, and separators other than the space.
 */
const UNSAFE = /^[\p{C}\p{Z}]$/u;

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}

/** One code point as it appears in an excerpt: itself, or an escape such as \x1B, \n, \u202E, \u{E0001}. */
export function escapeChar(ch: string): string {
  if (ch === ' ') return ch;
  const named = NAMED[ch];
  if (named !== undefined) return named;
  if (!UNSAFE.test(ch)) return ch;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  if (cp <= 0xffff) return `\\u${hex(cp, 4)}`;
  return `\\u{${hex(cp, 0)}}`;
}

/**
 * Untrusted text rendered for an error message: every non-printable character escaped (see
 * escapeChar; the escapes are for the eye, backslashes of the text itself are left as they are)
 * and the result capped at `maxChars` characters (escapes count at their printed length), with
 * `ellipsis` when cut. Never splits an escape or a surrogate pair.
 */
export function safeExcerpt(text: string, maxChars: number = EXCERPT_CHARS, ellipsis: string = ELLIPSIS): string {
  let out = '';
  let length = 0;
  for (const ch of text) {
    const piece = escapeChar(ch);
    const pieceLength = [...piece].length;
    if (length + pieceLength > maxChars) return out + ellipsis;
    out += piece;
    length += pieceLength;
  }
  return out;
}

/**
 * A message of several lines made safe line by line: newlines kept, everything else as in
 * safeExcerpt, each line capped at `maxLineChars` characters. For the last-resort sanitising of
 * whatever reaches the terminal as an error.
 */
export function safeLines(text: string, maxLineChars = 1000): string {
  return text.split('\n').map((line) => safeExcerpt(line, maxLineChars)).join('\n');
}
