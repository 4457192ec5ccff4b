/**
 * Reverse-lookup domains for address prefixes (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5
 * ip6.arpa), for `rev-server=` (reference §1.4).
 */
import { isIPv4 } from 'node:net';
import type { Origin } from '../errors.js';
import { parseServer } from './server-spec.js';
import type { DomainRule } from './types.js';
import { ipv6Bytes } from '../util/ip.js';
import { parseAddressRange } from './values.js';

/** Domains covering `addr/prefix`: one when the prefix falls on a label boundary, else 2^n. */
export function reverseDomains(addr: string, prefix: number): string[] {
  if (isIPv4(addr)) {
    const octets = addr.split('.').map(Number);
    const whole = Math.floor(prefix / 8);
    const base = octets.slice(0, whole);
    const spare = prefix % 8;
    if (spare === 0) return [[...base].reverse().join('.') + (whole ? '.' : '') + 'in-addr.arpa'];
    const keep = 0xff << (8 - spare);
    const first = octets[whole]! & keep;
    const out: string[] = [];
    for (let v = first; v < first + (1 << (8 - spare)); v++) out.push([...base, v].reverse().join('.') + '.in-addr.arpa');
    return out;
  }
  const nibbles = ipv6Bytes(addr).flatMap((b) => [b >>> 4, b & 0xf]);
  const whole = Math.floor(prefix / 4);
  const base = nibbles.slice(0, whole);
  const spare = prefix % 4;
  const fmt = (ns: number[]) => ns.map((n) => n.toString(16)).reverse().join('.') + (ns.length ? '.' : '') + 'ip6.arpa';
  if (spare === 0) return [fmt(base)];
  const first = nibbles[whole]! & (0xf << (4 - spare)) & 0xf;
  const out: string[] = [];
  for (let v = first; v < first + (1 << (4 - spare)); v++) out.push(fmt([...base, v]));
  return out;
}

/** The PTR owner name for one address (`4.3.2.1.in-addr.arpa`, nibbles under ip6.arpa). */
export function reversePointerName(addr: string): string {
  return reverseDomains(addr, isIPv4(addr) ? 32 : 128)[0]!;
}

/** `rev-server=ADDR[/PREFIX][,SERVER-SPEC]`: sugar for `server=/<reverse domains>/SPEC`. */
export function parseRevServer(value: string, origin: Origin): DomainRule[] {
  const comma = value.indexOf(',');
  const net = comma < 0 ? value : value.slice(0, comma);
  const spec = comma < 0 ? '' : value.slice(comma + 1).trim();
  const { address: addr, prefix } = parseAddressRange(net, origin, 'rev-server', 1);
  const domains = reverseDomains(addr, prefix);
  return parseServer(`/${domains.join('/')}/${spec}`, origin, 'rev-server');
}
