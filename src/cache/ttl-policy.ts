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

/** Per-record TTLs to serve and the entry's lifetime; null when the reply must not be cached. */
export interface TtlPlan {
  readonly life: number;
  readonly negative: boolean;
  /** TTL to store for each record of `layout.records` (OPT rows are ignored). */
  readonly ttls: readonly number[];
}

const clamp = (t: number, p: TtlPolicy) => Math.min(Math.max(t, p.minCacheTtl), p.maxCacheTtl);

/** Works out the plan, or null for replies that are never cached (errors, truncation). */
export function planTtls(wire: Uint8Array, layout: MessageLayout, p: TtlPolicy): TtlPlan | null {
  const rcode = wire[3]! & 0x0f;
  if (rcode !== RCode.NOERROR && rcode !== RCode.NXDOMAIN) return null;
  if ((wire[2]! & 0x02) !== 0) return null; // TC
  if (wire[4] !== 0 || wire[5] !== 1) return null;
  const negative = rcode === RCode.NXDOMAIN || layout.ancount === 0;
  if (negative && p.noNegcache) return null;
  const raw = layout.records.map((r: RecordSpan) => u32(wire, r.typeOff + 4) & 0x7fffffff); // RFC 2181 §8
  const ttls = raw.map((t) => clamp(t, p));
  let life: number;
  if (!negative) {
    life = Infinity;
    layout.records.forEach((r, i) => {
      if (r.section !== Section.ADDITIONAL) life = Math.min(life, ttls[i]!);
    });
    if (life === Infinity) return null;
  } else {
    const soaIndex = layout.records.findIndex((r) => r.section === Section.AUTHORITY && r.type === RRType.SOA);
    if (soaIndex >= 0) {
      const soa = layout.records[soaIndex]!;
      const minimum = u32(wire, soa.end - 4);
      life = clamp(Math.min(raw[soaIndex]!, minimum), p);
      ttls[soaIndex] = life; // the SOA counts down with the negative answer (RFC 2308 §3)
    } else if (p.negTtl !== null) {
      life = clamp(p.negTtl, p);
    } else {
      life = clamp(0, p);
    }
  }
  return { life, negative, ttls };
}
