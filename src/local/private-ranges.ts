/**
 * Private and reserved address ranges as dnsmasq 2.90 defines them for bogus-priv and
 * stop-dns-rebind (reference §6.5), and reverse-name parsing (RFC 1035 §3.5, RFC 3596 §2.5).
 */

/** IPv4 prefixes as [first octets…, prefix length]. */
const V4: readonly [number, number, number, number, number][] = [
  [10, 0, 0, 0, 8],
  [172, 16, 0, 0, 12],
  [192, 168, 0, 0, 16],
  [169, 254, 0, 0, 16],
  [192, 0, 2, 0, 24],
  [198, 51, 100, 0, 24],
  [203, 0, 113, 0, 24],
  [255, 255, 255, 255, 32],
];
const V4_LOCAL: readonly [number, number, number, number, number][] = [
  [127, 0, 0, 0, 8],
  [0, 0, 0, 0, 8],
];

function inV4(b: Uint8Array, [a, c, d, e, len]: readonly [number, number, number, number, number]): boolean {
  const addr = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const net = ((a << 24) | (c << 16) | (d << 8) | e) >>> 0;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((addr & mask) >>> 0) === net;
}

/** True for a private or reserved IPv4 address; loopback and 0/8 count unless `localhostOk`. */
export function isPrivateV4(b: Uint8Array, localhostOk = false): boolean {
  return V4.some((r) => inV4(b, r)) || (!localhostOk && V4_LOCAL.some((r) => inV4(b, r)));
}

/** True for a private or reserved IPv6 address (::, ::1, fe80::/10, fec0::/10, fd00::/8, 2001:db8::/32, mapped v4). */
export function isPrivateV6(b: Uint8Array, localhostOk = false): boolean {
  const zeroTo = (n: number) => b.subarray(0, n).every((x) => x === 0);
  if (zeroTo(15) && (b[15] === 0 || b[15] === 1)) return !localhostOk;
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return true;
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return true;
  if (b[0] === 0xfd) return true;
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return true;
  if (zeroTo(10) && b[10] === 0xff && b[11] === 0xff) return isPrivateV4(b.subarray(12), localhostOk);
  return false;
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
