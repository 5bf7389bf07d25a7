/** Hex text helpers for frames: spaced upper-case output, forgiving input. */
import { safeExcerpt } from './safeText.ts';

/** Bytes as spaced upper-case hex, e.g. "02 00 03 AD". */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i ? ' ' : '') + bytes[i]!.toString(16).padStart(2, '0').toUpperCase();
  return out;
}

/** One value as 0x and at least two upper-case hex digits, e.g. 0x0F, 0xFF (codes, IDs, prefixes). */
export function hexByte(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Bytes as compact lower-case hex, e.g. "020003ad" (session files). */
export function toCompactHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}

/** Thrown for text that is not hex bytes; says what and where. */
export class HexParseError extends Error {
  override name = 'HexParseError';
}

/**
 * Parse hex bytes from text such as "02 00 03 AD", "020003ad", "0x02,0x00" or several words.
 * Throws HexParseError naming the offending text.
 */
export function fromHex(text: string): Uint8Array {
  const cleaned = text.replace(/0x/gi, ' ').replace(/[\s,:;-]+/g, ' ').trim();
  if (cleaned === '') return new Uint8Array(0);
  const out: number[] = [];
  for (const word of cleaned.split(' ')) {
    if (!/^[0-9a-fA-F]+$/.test(word)) throw new HexParseError(`"${safeExcerpt(word, 24)}" is not hex (expected digits 0-9 and A-F)`);
    if (word.length % 2 !== 0) {
      if (word.length === 1) {
        out.push(parseInt(word, 16));
        continue;
      }
      throw new HexParseError(`"${safeExcerpt(word, 24)}" has an odd number of hex digits (${word.length}); write bytes as two digits each`);
    }
    for (let i = 0; i < word.length; i += 2) out.push(parseInt(word.slice(i, i + 2), 16));
  }
  return Uint8Array.from(out);
}
