/** Address text to bytes, for building A/AAAA RDATA and reverse names. */
import { Buffer } from 'node:buffer';
import { isIPv4 } from 'node:net';

/** The 16 bytes of an IPv6 address (scope id ignored, embedded IPv4 tail allowed). */
export function ipv6Bytes(addr: string): number[] {
  const clean = addr.split('%')[0]!;
  const [head = '', tail] = clean.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  let h = parse(head);
  let t = tail === undefined ? [] : parse(tail);
  const lastGroup = (tail === undefined ? h : t).at(-1);
  if (lastGroup?.includes('.')) {
    const o = lastGroup.split('.').map(Number);
    const extra = [((o[0]! << 8) | o[1]!).toString(16), ((o[2]! << 8) | o[3]!).toString(16)];
    if (tail === undefined) h = [...h.slice(0, -1), ...extra];
    else t = [...t.slice(0, -1), ...extra];
  }
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >>> 8, n & 0xff];
  });
}

/** A/AAAA RDATA for an address literal (4 or 16 bytes). */
export function ipBytes(addr: string): Buffer {
  return Buffer.from(isIPv4(addr) ? addr.split('.').map(Number) : ipv6Bytes(addr));
}

/** True when the leading `prefix` bits of `addr` equal those of `net` (same length: 4 or 16 bytes). */
export function inPrefix(addr: Uint8Array, net: Uint8Array, prefix: number): boolean {
  if (addr.length !== net.length) return false;
  let bits = prefix;
  for (let i = 0; i < addr.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}
