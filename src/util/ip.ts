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

/** An IPv4 literal as an unsigned 32-bit number (network order), or null for anything else. */
export function ipv4Number(text: string): number | null {
  if (!isIPv4(text)) return null;
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** A/AAAA RDATA for an address literal (4 or 16 bytes). */
export function ipBytes(addr: string): Buffer {
  return Buffer.from(isIPv4(addr) ? addr.split('.').map(Number) : ipv6Bytes(addr));
}

/** The mask of byte `i` of an address under a prefix of `prefix` bits: 0xff, 0 or the bits in between. */
export function prefixByteMask(prefix: number, i: number): number {
  const bits = Math.max(0, Math.min(8, prefix - i * 8));
  return (0xff << (8 - bits)) & 0xff;
}

/** True when the leading `prefix` bits of `addr` equal those of `net` (same length: 4 or 16 bytes). */
export function inPrefix(addr: Uint8Array, net: Uint8Array, prefix: number): boolean {
  if (addr.length !== net.length) return false;
  for (let i = 0; i < addr.length && i * 8 < prefix; i++) {
    const mask = prefixByteMask(prefix, i);
    if ((addr[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

/**
 * An address's text as glibc's inet_ntop writes it, which dnsmasq's synthesised names are made
 * from: IPv4 dotted; IPv6 in lower-case hex with the first longest run of two or more zero
 * groups as `::`, and an IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`) address
 * with its last 32 bits dotted.
 */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) best = -1;
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    return `${bestLen === 5 ? '::ffff:' : '::'}${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += words[i]!.toString(16);
  }
  return out;
}
