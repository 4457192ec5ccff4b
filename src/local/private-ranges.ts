/**
 * Private and reserved address ranges as dnsmasq 2.90 defines them for bogus-priv and
 * stop-dns-rebind (reference §6.5), and reverse-name parsing (RFC 1035 §3.5, RFC 3596 §2.5).
 */
import { inPrefix } from '../util/ip.js';

/** A range: network bytes and prefix length. */
type Range = readonly [Uint8Array, number];
const v4 = (a: number, b: number, c: number, d: number, len: number): Range => [Uint8Array.of(a, b, c, d), len];
const v6 = (head: number[], len: number): Range => {
  const net = new Uint8Array(16);
  net.set(head);
  return [net, len];
};

const V4: readonly Range[] = [
  v4(10, 0, 0, 0, 8), v4(172, 16, 0, 0, 12), v4(192, 168, 0, 0, 16), v4(169, 254, 0, 0, 16),
  v4(192, 0, 2, 0, 24), v4(198, 51, 100, 0, 24), v4(203, 0, 113, 0, 24), v4(255, 255, 255, 255, 32),
];
const V4_LOCAL: readonly Range[] = [v4(127, 0, 0, 0, 8), v4(0, 0, 0, 0, 8)];
const V6: readonly Range[] = [v6([0xfe, 0x80], 10), v6([0xfe, 0xc0], 10), v6([0xfd], 8), v6([0x20, 0x01, 0x0d, 0xb8], 32)];
const V6_LOCAL: readonly Range[] = [v6([], 128), v6(Array.from({ length: 15 }, () => 0).concat(1), 128)];
const V4_MAPPED = v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96);

const inAny = (b: Uint8Array, ranges: readonly Range[]) => ranges.some(([net, len]) => inPrefix(b, net, len));

/** True for a private or reserved IPv4 address; loopback and 0/8 count unless `localhostOk`. */
export function isPrivateV4(b: Uint8Array, localhostOk = false): boolean {
  return inAny(b, V4) || (!localhostOk && inAny(b, V4_LOCAL));
}

/** True for a private or reserved IPv6 address (::, ::1, fe80::/10, fec0::/10, fd00::/8, 2001:db8::/32, mapped v4). */
export function isPrivateV6(b: Uint8Array, localhostOk = false): boolean {
  if (inAny(b, V6_LOCAL)) return !localhostOk;
  if (inAny(b, V6)) return true;
  return inPrefix(b, V4_MAPPED[0], V4_MAPPED[1]) && isPrivateV4(b.subarray(12), localhostOk);
}

/** The address a full reverse name stands for (`4.3.2.1.in-addr.arpa` → 1.2.3.4), or null. */
export function reverseNameAddress(name: string): Uint8Array | null {
  const labels = name.toLowerCase().split('.');
  if (labels.length === 6 && labels[4] === 'in-addr' && labels[5] === 'arpa') {
    const o = labels.slice(0, 4).reverse();
    if (!o.every((x) => /^\d{1,3}$/.test(x) && Number(x) < 256)) return null;
    return Uint8Array.from(o.map(Number));
  }
  if (labels.length === 34 && labels[32] === 'ip6' && labels[33] === 'arpa') {
    const n = labels.slice(0, 32).reverse();
    if (!n.every((x) => /^[0-9a-f]$/.test(x))) return null;
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[i] = parseInt(n[2 * i]! + n[2 * i + 1]!, 16);
    return out;
  }
  return null;
}
