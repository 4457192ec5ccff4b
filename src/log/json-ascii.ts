/**
 * JSON string literals that are pure ASCII (RFC 8259 §7): control characters, quotes,
 * backslashes and everything above 0x7e are escaped as \uXXXX, so a batch of lines can be
 * encoded as latin1 (a copy) instead of UTF-8 (a scan), and stays valid UTF-8 on disk. DNS names
 * are ASCII in practice, so the common case is one regex test.
 */

const SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The inside of `s` as a JSON string literal (without the quotes), in ASCII only: `s` itself when it needs no escape. */
export function jsonAsciiBody(s: string): string {
  if (SAFE.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return out;
}
