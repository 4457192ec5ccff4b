/**
 * The addresses an answer gives for a host name, as a stub resolver reads them (RFC 1034 §3.6.2,
 * §5.3.3): the A or AAAA records owned by the name, or by the end of the CNAME chain that starts at
 * it, in the answer section. Pure.
 */
import { RRType } from './constants.js';
import type { MessageLayout } from './layout.js';
import { Section } from './layout.js';
import { readName } from './name.js';
import { formatIp } from '../util/ip.js';

/** Longest CNAME chain followed (dnsmasq's CNAME_CHAIN is 10 too). */
const MAX_CHAIN = 10;

/** What an answer gives for a name: its addresses in answer order, and the lowest TTL on the way (seconds). */
export interface HostAddresses {
  readonly addresses: readonly string[];
  readonly ttl: number;
}

/**
 * The `qtype` (A or AAAA) addresses of `name` (lower case, no final dot) in `msg`, whose layout is
 * `layout`; none when the chain ends elsewhere, loops or runs past MAX_CHAIN.
 */
export function hostAddresses(msg: Buffer, layout: MessageLayout, name: string, qtype: number): HostAddresses {
  const size = qtype === RRType.AAAA ? 16 : 4;
  const targets = new Map<string, { target: string; ttl: number }>();
  const found = new Map<string, { address: string; ttl: number }[]>();
  for (const r of layout.records) {
    if (r.section !== Section.ANSWER) continue;
    const owner = readName(msg, r.start)?.name.toLowerCase();
    if (owner === undefined) continue;
    const ttl = msg.readUInt32BE(r.typeOff + 4);
    if (r.type === RRType.CNAME) {
      const target = readName(msg, r.rdataOff)?.name.toLowerCase();
      if (target !== undefined && !targets.has(owner)) targets.set(owner, { target, ttl });
    } else if (r.type === qtype && r.rdlen === size) {
      const list = found.get(owner) ?? [];
      list.push({ address: formatIp(msg.subarray(r.rdataOff, r.rdataOff + size)), ttl });
      found.set(owner, list);
    }
  }
  let at = name;
  let ttl = Number.POSITIVE_INFINITY;
  for (let hops = 0; hops <= MAX_CHAIN; hops++) {
    const here = found.get(at);
    if (here !== undefined) return { addresses: here.map((a) => a.address), ttl: Math.min(ttl, ...here.map((a) => a.ttl)) };
    const next = targets.get(at);
    if (next === undefined) break;
    ttl = Math.min(ttl, next.ttl);
    at = next.target;
  }
  return { addresses: [], ttl: 0 };
}
