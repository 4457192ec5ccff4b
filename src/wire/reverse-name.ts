/**
 * Recognises full reverse names on the wire (RFC 1035 §3.5 `d.c.b.a.in-addr.arpa`, RFC 3596
 * §2.5 32 nibbles under `ip6.arpa`) by their length and last labels alone, so that a stage that
 * only serves reverse names of addresses can pass every other query on without making its name
 * into a string. Pure: bytes in, a family out.
 */
import { encodeName, sameWireName } from './name.js';

/** Wire tails of reverse names: `\x07in-addr\x04arpa\x00` and `\x03ip6\x04arpa\x00`. */
const IN_ADDR = encodeName('in-addr.arpa');
const IP6 = encodeName('ip6.arpa');
/** Wire lengths of full in-addr.arpa names (four labels of one to three digits) and ip6.arpa names (32 nibbles). */
const IN_ADDR_MIN = 8 + IN_ADDR.length;
const IN_ADDR_MAX = 16 + IN_ADDR.length;
const IP6_NAME_LENGTH = 64 + IP6.length;

/** True when the wire name at `nameStart` (`nameLen` bytes) ends with the wire name `tail`, ignoring ASCII case. */
export const wireNameEndsWith = (msg: Uint8Array, nameStart: number, nameLen: number, tail: Uint8Array): boolean =>
  nameLen > tail.length && sameWireName(msg, nameStart + nameLen - tail.length, tail, 0, tail.length);

/**
 * 4 or 6 when the uncompressed wire name at `nameStart` (`nameLen` bytes) has the length and
 * tail of a full IPv4 or IPv6 reverse name, else 0. The labels themselves are not checked.
 */
export function reverseNameFamily(msg: Uint8Array, nameStart: number, nameLen: number): 0 | 4 | 6 {
  if (nameLen >= IN_ADDR_MIN && nameLen <= IN_ADDR_MAX && wireNameEndsWith(msg, nameStart, nameLen, IN_ADDR)) return 4;
  return nameLen === IP6_NAME_LENGTH && wireNameEndsWith(msg, nameStart, nameLen, IP6) ? 6 : 0;
}
