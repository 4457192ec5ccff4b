/**
 * Domain names on the wire (RFC 1035 §3.1, §4.1.4). All functions are pure and bounds-checked:
 * they return -1 / null for malformed input instead of throwing, so hostile packets cost nothing
 * but a rejection.
 */
import { Buffer } from 'node:buffer';
import { domainToASCII } from 'node:url';
import { MAX_LABEL, MAX_NAME } from './constants.js';

const MAX_POINTER_HOPS = 64;

/**
 * Offset just past the name that starts at `off`, without following compression pointers.
 * Checks label lengths, bounds and that any pointer points backwards (RFC 1035 §4.1.4 only
 * allows pointers to prior occurrences). Returns -1 when malformed.
 */
export function skipName(msg: Uint8Array, off: number): number {
  const len = msg.length;
  let wireLen = 0;
  while (off < len) {
    const b = msg[off]!;
    if (b === 0) return off + 1;
    if ((b & 0xc0) === 0xc0) {
      if (off + 1 >= len) return -1;
      const target = ((b & 0x3f) << 8) | msg[off + 1]!;
      return target < off ? off + 2 : -1;
    }
    if (b > MAX_LABEL) return -1; // 0x40 and 0x80 label types are obsolete (RFC 6891 §5)
    wireLen += b + 1;
    if (wireLen >= MAX_NAME) return -1; // the terminating zero byte makes it wireLen + 1
    off += b + 1;
  }
  return -1;
}

/** A name read from the wire: dotted form without trailing dot ('' for the root), case kept. */
export interface ReadName {
  readonly name: string;
  /** Offset just past the name where it started (pointers are 2 bytes). */
  readonly end: number;
}

/**
 * Reads the name at `off`, following backward compression pointers with a hop limit.
 * Label bytes are taken as latin1; dots inside labels are escaped as `\.` (RFC 4343 §2.1).
 */
export function readName(msg: Uint8Array, off: number): ReadName | null {
  const parts: string[] = [];
  let end = -1;
  let hops = 0;
  let total = 0;
  let pos = off;
  for (;;) {
    if (pos >= msg.length) return null;
    const b = msg[pos]!;
    if (b === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    if ((b & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length || ++hops > MAX_POINTER_HOPS) return null;
      const target = ((b & 0x3f) << 8) | msg[pos + 1]!;
      if (target >= pos) return null;
      if (end < 0) end = pos + 2;
      pos = target;
      continue;
    }
    if (b > MAX_LABEL || pos + 1 + b > msg.length) return null;
    total += b + 1;
    if (total >= MAX_NAME) return null; // plus the terminating zero byte
    let label = '';
    for (let i = pos + 1; i < pos + 1 + b; i++) {
      const c = msg[i]!;
      label += c === 0x2e ? '\\.' : c === 0x5c ? '\\\\' : String.fromCharCode(c);
    }
    parts.push(label);
    pos += 1 + b;
  }
  return { name: parts.join('.'), end };
}

/** ASCII lower case of one byte (RFC 4343 §3: names compare case-insensitively in ASCII only). */
export const foldCase = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/** Where lowerDottedName assembles its text. */
const dotted = Buffer.allocUnsafe(MAX_NAME);

/**
 * The uncompressed name at `msg[off]` (`nameLen` bytes, the root's zero included) as lower-case
 * dotted text without the trailing dot ('' for the root), made with one string allocation; null
 * when a label holds a '.' or '\\', which need readName's escapes (RFC 4343 §2.1).
 */
export function lowerDottedName(msg: Uint8Array, off: number, nameLen: number): string | null {
  let k = 0;
  const end = off + nameLen - 1;
  for (let i = off; i < end; ) {
    const len = msg[i]!;
    if (k > 0) dotted[k++] = 0x2e;
    for (let j = i + 1, e = i + 1 + len; j < e; j++) {
      const c = msg[j]!;
      if (c === 0x2e || c === 0x5c) return null;
      dotted[k++] = foldCase(c);
    }
    i += len + 1;
  }
  return dotted.toString('latin1', 0, k);
}

/**
 * Encodes a dotted name (trailing dot optional, '' or '.' for the root) into uncompressed wire
 * labels. Throws RangeError for an empty label or limits exceeded; config code turns that into a
 * ConfigError.
 */
export function encodeName(dotted: string): Buffer {
  const name = dotted.endsWith('.') ? dotted.slice(0, -1) : dotted;
  if (name === '') return Buffer.from([0]);
  const labels = name.split('.');
  const parts: number[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length === 0 || bytes.length > MAX_LABEL) throw new RangeError(`bad label in name "${dotted}"`);
    parts.push(bytes.length, ...bytes);
  }
  parts.push(0);
  if (parts.length > MAX_NAME) throw new RangeError(`name too long: "${dotted}"`);
  return Buffer.from(parts);
}

/** ASCII lower-casing of a name (RFC 4343: DNS names compare case-insensitively in ASCII only). */
export function lowerName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * Canonical form used for every name fandns stores: lower-case, no trailing dot, '' = root. A name
 * with characters beyond ASCII (`é.test` in a config file) becomes the A-labels clients send
 * (`xn--9ca.test`; IDNA, RFC 5890–5891, with UTS #46 mapping), as dnsmasq built with IDN does; one
 * that is not a valid IDN stays as written (lower-cased), so it can be refused (hasNonAscii).
 */
export function canonicalName(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!hasNonAscii(n)) return lowerName(n);
  const ascii = domainToASCII(n);
  return ascii === '' ? lowerName(n) : ascii;
}

/** True when `name` has a character beyond ASCII (a name canonicalName could not turn into A-labels). */
export function hasNonAscii(name: string): boolean {
  return /[^\x00-\x7f]/.test(name);
}

/**
 * Compares the wire name starting at `aOff` in `a` with the one at `bOff` in `b`, ignoring ASCII
 * case, without following pointers. Both must be uncompressed (questions are).
 */
export function sameWireName(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (foldCase(a[aOff + i]!) !== foldCase(b[bOff + i]!)) return false;
  return true;
}
