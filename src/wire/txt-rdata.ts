/** TXT RDATA encoding (RFC 1035 §3.3.14). Pure. */
import { Buffer } from 'node:buffer';

/**
 * TXT RDATA for `texts`: each text as length-prefixed character-strings of at most 255 bytes
 * (a longer text is split into several); an empty text is one empty string.
 */
export function txtRdata(texts: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const t of texts) {
    const bytes = Buffer.from(t, 'utf8');
    for (let i = 0; i === 0 || i < bytes.length; i += 255) {
      const chunk = bytes.subarray(i, i + 255);
      parts.push(Buffer.from([chunk.length]), chunk);
    }
  }
  return Buffer.concat(parts);
}
