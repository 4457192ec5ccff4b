/**
 * Per-query counters for metrics, kept in typed arrays so recording a query costs a few array
 * increments (no prom-client call, no label hashing, no allocation): requests by type and
 * protocol, responses by RCODE and source, and a latency histogram by source.
 */
import type { Protocol, Query } from '../pipeline/query.js';
import type { Reply, ReplySource } from '../pipeline/types.js';

/** Query types counted by name; everything else is "other". */
export const COUNTED_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'HTTPS', 'ANY', 'other'] as const;
const TYPE_INDEX = new Map<number, number>([[1, 0], [28, 1], [5, 2], [15, 3], [2, 4], [12, 5], [6, 6], [33, 7], [16, 8], [65, 9], [255, 10]]);
/** Sources in index order; 'dropped' means no reply was sent. */
export const SOURCES = ['local', 'cache', 'stale', 'upstream', 'coalesced', 'blocked', 'error', 'dropped'] as const;
const SOURCE_INDEX = new Map<string, number>(SOURCES.map((s, i) => [s, i]));
/** Protocols in index order. */
export const PROTOCOLS = ['udp', 'tcp', 'tls', 'https'] as const satisfies readonly Protocol[];
const PROTOCOL_INDEX = Object.fromEntries(PROTOCOLS.map((p, i) => [p, i])) as Record<Protocol, number>;
/** RCODEs 0–15 are counted individually. */
export const RCODE_SLOTS = 16;
/** Latency bucket upper bounds in seconds (CoreDNS uses a similar exponential series). */
export const LATENCY_BOUNDS = [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];

/** The counters. */
export class QueryStats {
  /** By type, then protocol: [type * PROTOCOLS.length + protocol]. */
  readonly requests = new Float64Array(COUNTED_TYPES.length * PROTOCOLS.length);
  readonly responses = new Float64Array(RCODE_SLOTS * SOURCES.length);
  /** Per source: bucket counts (non-cumulative), then sum (seconds), then count. */
  readonly latency = new Float64Array(SOURCES.length * (LATENCY_BOUNDS.length + 2));

  /** Records one query. */
  record(q: Query, r: Reply | null, latencyMs: number): void {
    const t = TYPE_INDEX.get(q.p.qtype) ?? COUNTED_TYPES.length - 1;
    this.requests[t * PROTOCOLS.length + PROTOCOL_INDEX[q.client.protocol]]!++;
    const s = r === null ? SOURCES.length - 1 : SOURCE_INDEX.get(r.source as ReplySource)!;
    if (r !== null) this.responses[r.rcode * SOURCES.length + s]!++;
    const sec = latencyMs / 1000;
    const base = s * (LATENCY_BOUNDS.length + 2);
    let b = 0;
    while (b < LATENCY_BOUNDS.length && sec > LATENCY_BOUNDS[b]!) b++;
    if (b < LATENCY_BOUNDS.length) this.latency[base + b]!++;
    this.latency[base + LATENCY_BOUNDS.length]! += sec;
    this.latency[base + LATENCY_BOUNDS.length + 1]!++;
  }
}
