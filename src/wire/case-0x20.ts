/**
 * 0x20 encoding of query names (draft-vixie-dnsext-dns0x20-00): the case of each ASCII letter of
 * the name in an upstream query is chosen at random, and a reply must echo it exactly. Names
 * compare without case (RFC 4343 §3), so a server answers as usual, while an off-path forger must
 * guess one more bit per letter. Pure: the random bits come from the caller.
 */

/** True for the bytes of an ASCII letter, either case (length octets, at most 63, never are). */
const isLetter = (b: number): boolean => (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;

/**
 * Sets the case of every letter in `msg[start, end)` (a wire name) from `random16`, one bit per
 * letter, in place.
 */
export function mixCase(msg: Uint8Array, start: number, end: number, random16: () => number): void {
  let bits = 0;
  let left = 0;
  for (let i = start; i < end; i++) {
    const b = msg[i]!;
    if (!isLetter(b)) continue;
    if (left === 0) {
      bits = random16();
      left = 16;
    }
    msg[i] = bits & 1 ? b | 0x20 : b & ~0x20;
    bits >>>= 1;
    left--;
  }
}

/** True when `a[start, end)` and `b[start, end)` are the same bytes: the name echoed in the same case. */
export function sameCase(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}
