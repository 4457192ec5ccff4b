/**
 * Address texts as bytes for the records the dumps write (pcap, dnstap), remembered: a handful
 * of addresses recur (listeners, servers, clients), and records are built in batches off the
 * query path.
 */
import { ipBytes } from '../util/ip.js';

const cache = new Map<string, Buffer>();

/** The 4 or 16 bytes of address `a` (IPv4 or IPv6 text), from the cache when seen before (at most 10,000 kept). */
export function addressBytes(a: string): Buffer {
  let b = cache.get(a);
  if (b === undefined) {
    if (cache.size > 10_000) cache.clear();
    b = ipBytes(a);
    cache.set(a, b);
  }
  return b;
}
