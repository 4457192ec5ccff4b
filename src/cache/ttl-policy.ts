/**
 * How long an upstream reply may be cached and which TTLs clients see (reference §4.4–4.5, without
 * dnsmasq's silent caps): positive answers live for the smallest TTL of their answer and authority
 * records; negative answers (NXDOMAIN, NODATA) for min(SOA TTL, SOA MINIMUM) of the authority SOA
 * (RFC 2308 §5), or `neg-ttl` when there is no SOA. min-cache-ttl raises, max-cache-ttl lowers.
 */
import { RRType, RCode } from '../wire/constants.js';
import { u32 } from '../wire/header.js';
import { Section, type MessageLayout, type RecordSpan } from '../wire/layout.js';

/** TTL settings from the config. */
export interface TtlPolicy {
  readonly minCacheTtl: number;
  readonly maxCacheTtl: number;
  readonly negTtl: number | null;
  readonly noNegcache: boolean;
}

/** The policy of a config's (or one domain's) TTL settings. */
export const ttlPolicy = (c: { readonly minTtl: number; readonly maxTtl: number; readonly negTtl: number | null; readonly noNegcache: boolean }): TtlPolicy =>
  ({ minCacheTtl: c.minTtl, maxCacheTtl: c.maxTtl, negTtl: c.negTtl, noNegcache: c.noNegcache });

const clamp = (t: number, p: TtlPolicy) => Math.min(Math.max(t, p.minCacheTtl), p.maxCacheTtl);

/** A record's TTL as sent; one with the top bit set counts as zero (RFC 2181 §8). */
const raw = (wire: Uint8Array, r: RecordSpan) => {
  const t = u32(wire, r.typeOff + 4);
  return t > 0x7fffffff ? 0 : t;
};

/**
 * Works out how long the reply may be cached and writes the TTL to store for each record of
 * `layout.records` into `ttls` (OPT rows included, and ignored by the caller). Returns the
 * entry's lifetime in seconds, or -1 for replies that are never cached (errors, truncation).
 * Writes into the caller's array rather than returning a plan: it runs for every insert.
 * The first `fixed` answer records (a cname= alias's own CNAMEs, local data with a set TTL) count
 * for neither the lifetime nor whether the answer is negative: the entry lives as long as the
 * target's records do.
 */
export function planTtls(wire: Uint8Array, layout: MessageLayout, p: TtlPolicy, ttls: number[], fixed = 0): number {
  const rcode = wire[3]! & 0x0f;
  if (rcode !== RCode.NOERROR && rcode !== RCode.NXDOMAIN) return -1;
  if ((wire[2]! & 0x02) !== 0) return -1; // TC
  if (wire[4] !== 0 || wire[5] !== 1) return -1;
  const negative = rcode === RCode.NXDOMAIN || layout.ancount === fixed;
  if (negative && p.noNegcache) return -1;
  const records = layout.records;
  for (let i = 0; i < records.length; i++) ttls[i] = clamp(raw(wire, records[i]!), p);
  if (!negative) {
    let life = Infinity;
    for (let i = fixed; i < records.length; i++) if (records[i]!.section !== Section.ADDITIONAL) life = Math.min(life, ttls[i]!);
    return life === Infinity ? -1 : life;
  }
  for (let i = 0; i < records.length; i++) {
    const soa = records[i]!;
    if (soa.section !== Section.AUTHORITY || soa.type !== RRType.SOA) continue;
    const life = clamp(Math.min(raw(wire, soa), u32(wire, soa.end - 4)), p);
    ttls[i] = life; // the SOA counts down with the negative answer (RFC 2308 §3)
    return life;
  }
  return clamp(p.negTtl ?? 0, p);
}
