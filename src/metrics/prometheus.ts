/**
 * Prometheus exposition with prom-client's Registry. Values are read at scrape time from the
 * counters the pipeline already keeps (custom collected metrics), so no prom-client call happens
 * per query. Names follow CoreDNS's style with a `fandns_` prefix; the README lists them.
 */
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import { COUNTED_TYPES, LATENCY_BOUNDS, PROTOCOLS, RCODE_SLOTS, SOURCES, type QueryStats } from './query-stats.js';
import { RTT_BOUNDS } from '../upstream/upstream-stats.js';
import type { TlsHandshakes } from '../upstream/tls-dial.js';
import { rcodeName } from '../wire/constants.js';
import type { ReloadCounts } from '../process/reload-record.js';
import type { PresentedCertificate } from '../listen/encrypted.js';
import type { RefreshCounts } from '../server-name-refresh.js';

/** One sample. */
interface Sample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/** A snapshot of everything the server counts (see FandnsServer.metricsSnapshot). */
export interface MetricsSnapshot {
  readonly cache: {
    hits: number; misses: number; staleServed: number; prefetches: number; evictions: number; insertions: number; entries: number; bytes: number;
    /** Stale answers by rule (the configured domain, "." for the default servers): see CacheCounters. */
    staleByRule: Readonly<Record<string, number>>;
  };
  readonly forward: { refusedOverload: number; refusedNoServer: number; coalesced: number; inFlight: number; merged: number };
  /** Host-name lookups through bootstrap-server= (tls:// and https:// servers named by host name), by result. */
  readonly bootstrapLookups: { readonly ok: number; readonly failed: number };
  readonly rejected: Record<string, number>;
  readonly rebindBlocked: number;
  readonly bogusNxdomain: number;
  readonly upstreams: readonly {
    readonly label: string;
    readonly up: boolean;
    /** Marked by dns-loop-detect: sends our queries back to us, so not used. */
    readonly looped: boolean;
    readonly queries: number;
    readonly timeouts: number;
    readonly malformed: number;
    /** Replies dropped by ignore-address. */
    readonly ignored: number;
    /** Replies dropped because their ECS option did not match the query's (add-subnet). */
    readonly ecsMismatch: number;
    /** Copies of UDP queries sent again while their reply had not come (fast-dns-retry). */
    readonly resent: number;
    /** Replies received, by header RCODE (index). */
    readonly rcodes: ArrayLike<number>;
    readonly network: number;
    readonly rttBuckets: Float64Array;
    readonly rttTotalMs: number;
    readonly answers: number;
    /** True while health-check= checks the upstream. */
    readonly checked: boolean;
    readonly checksOk: number;
    readonly checksFailed: number;
    /** tls:// and https:// servers only: their TLS handshakes by outcome, and their certificate's expiry (0: no handshake yet). */
    readonly tls: Readonly<TlsHandshakes> | null;
  }[];
  readonly queryLogLost: number;
  /** dumpfile= datagrams dropped because the file could not keep up. */
  readonly dumpLost: number;
  /** dnstap exchanges dropped: the file or the collector could not keep up, or the collector was away too long. */
  readonly dnstapLost: number;
  /** dnstap-socket: whether the collector has the stream; null without dnstap-socket. */
  readonly dnstapCollectorUp: boolean | null;
  /** The certificate the DoT and DoH listeners present (tls-cert-file=), or null without them. */
  readonly certificate: PresentedCertificate | null;
  /** admin-api changes applied (PUT and DELETE /rules/<domain>). */
  readonly adminRuleChanges: number;
  /** Configuration reloads (SIGHUP) applied and refused. */
  readonly reloads: ReloadCounts;
  /** server-name-refresh: the clear-text servers' host names looked up again, by what came of each. */
  readonly serverNameRefreshes: RefreshCounts;
}

/** How the cluster primary combines one metric across workers (prom-client's aggregators). */
type Aggregator = 'sum' | 'first' | 'min' | 'max';

/** A metric whose samples come from a function at scrape time. */
function collected(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', samples: () => Sample[], aggregator: Aggregator = 'sum'): Metric {
  return { name, help, type, get: async () => ({ name, help, type, values: samples(), aggregator }) } as unknown as Metric;
}

/** Cumulative histogram samples from non-cumulative bucket counts. */
function histogram(name: string, bounds: readonly number[], counts: ArrayLike<number>, sum: number, count: number, labels: Record<string, string>): Sample[] {
  const out: Sample[] = [];
  let acc = 0;
  bounds.forEach((le, i) => {
    acc += counts[i]!;
    out.push({ labels: { ...labels, le }, value: acc, metricName: `${name}_bucket` });
  });
  out.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${name}_bucket` });
  out.push({ labels, value: sum, metricName: `${name}_sum` });
  out.push({ labels, value: count, metricName: `${name}_count` });
  return out;
}

/** One sample per rule that served stale answers; "." always, so the counter exists from start-up. */
function staleSamples(byRule: Readonly<Record<string, number>>): Sample[] {
  const out: Sample[] = [{ labels: { rule: '.' }, value: byRule['.'] ?? 0 }];
  for (const rule of Object.keys(byRule)) if (rule !== '.') out.push({ labels: { rule }, value: byRule[rule]! });
  return out;
}

/** Builds the registry. */
export function createRegistry(stats: QueryStats, snapshot: () => MetricsSnapshot, version: string): Registry {
  const reg = new Registry();
  collectDefaultMetrics({ register: reg });
  const add = (m: Metric) => reg.registerMetric(m);
  const one = (name: string, help: string, type: 'counter' | 'gauge', value: (s: MetricsSnapshot) => number) =>
    add(collected(name, help, type, () => [{ labels: {}, value: value(snapshot()) }]));

  add(collected('fandns_build_info', 'fandns version and Node.js version.', 'gauge', () => [{ labels: { version, node: process.version }, value: 1 }], 'first'));
  add(collected('fandns_requests_total', 'Queries received, by type and protocol.', 'counter', () =>
    COUNTED_TYPES.flatMap((type, i) => PROTOCOLS.map((proto, p) => ({ labels: { type, proto }, value: stats.requests[i * PROTOCOLS.length + p]! })))
      .filter((s) => s.value > 0)));
  add(collected('fandns_responses_total', 'Replies sent, by RCODE and by where the answer came from.', 'counter', () => {
    const out: Sample[] = [];
    for (let rc = 0; rc < RCODE_SLOTS; rc++) {
      SOURCES.forEach((source, s) => {
        const value = stats.responses[rc * SOURCES.length + s]!;
        if (value > 0) out.push({ labels: { rcode: rcodeName(rc), source }, value });
      });
    }
    return out;
  }));
  add(collected('fandns_request_duration_seconds', 'Time from receiving a query to having its reply, by source.', 'histogram', () =>
    SOURCES.flatMap((source, s) => {
      const base = s * (LATENCY_BOUNDS.length + 2);
      const count = stats.latency[base + LATENCY_BOUNDS.length + 1]!;
      return count === 0 ? [] : histogram('fandns_request_duration_seconds', LATENCY_BOUNDS, stats.latency.subarray(base), stats.latency[base + LATENCY_BOUNDS.length]!, count, { source });
    })));
  one('fandns_cache_hits_total', 'Answers served from the cache.', 'counter', (s) => s.cache.hits);
  one('fandns_cache_misses_total', 'Cache lookups that found nothing fresh.', 'counter', (s) => s.cache.misses);
  add(collected('fandns_cache_stale_total', 'Stale answers served (use-stale-cache), by the configured domain rule of their name ("." for the default servers).', 'counter', () =>
    staleSamples(snapshot().cache.staleByRule)));
  one('fandns_cache_prefetches_total', 'Background refreshes of entries near expiry (prefetch).', 'counter', (s) => s.cache.prefetches);
  one('fandns_cache_evictions_total', 'Live entries evicted to make room.', 'counter', (s) => s.cache.evictions);
  one('fandns_cache_insertions_total', 'Entries stored.', 'counter', (s) => s.cache.insertions);
  one('fandns_cache_entries', 'Entries in the cache.', 'gauge', (s) => s.cache.entries);
  one('fandns_cache_bytes', 'Bytes accounted to the cache (keys, entries and a fixed overhead each).', 'gauge', (s) => s.cache.bytes);
  one('fandns_coalesced_total', 'Queries that joined an identical query already in flight.', 'counter', (s) => s.forward.coalesced);
  one('fandns_merged_answers_total', 'Replies built from the positive answers of several servers (merge-answers).', 'counter', (s) => s.forward.merged);
  one('fandns_inflight_queries', 'Forwarded queries waiting for an upstream.', 'gauge', (s) => s.forward.inFlight);
  add(collected('fandns_forward_refused_total', 'Queries refused instead of forwarded, by reason.', 'counter', () => {
    const s = snapshot();
    return [{ labels: { reason: 'overload' }, value: s.forward.refusedOverload }, { labels: { reason: 'no_server' }, value: s.forward.refusedNoServer }];
  }));
  add(collected('fandns_queries_rejected_total', 'Malformed or unanswerable queries, by reason.', 'counter', () =>
    Object.entries(snapshot().rejected).map(([reason, value]) => ({ labels: { reason }, value }))));
  add(collected('fandns_bootstrap_lookups_total', 'Host-name lookups of tls:// and https:// servers through bootstrap-server=, by result: ok (addresses found) or failed (no answer, an error RCODE, no address).', 'counter', () => {
    const b = snapshot().bootstrapLookups;
    return [{ labels: { result: 'ok' }, value: b.ok }, { labels: { result: 'failed' }, value: b.failed }];
  }));
  one('fandns_rebind_blocked_total', 'Upstream answers blanked by stop-dns-rebind.', 'counter', (s) => s.rebindBlocked);
  one('fandns_bogus_nxdomain_total', 'Upstream answers turned into NXDOMAIN by bogus-nxdomain.', 'counter', (s) => s.bogusNxdomain);
  one('fandns_query_log_lost_total', 'Query log records dropped because the log could not keep up.', 'counter', (s) => s.queryLogLost);
  one('fandns_dump_lost_total', 'dumpfile datagrams dropped because the file could not keep up.', 'counter', (s) => s.dumpLost);
  one('fandns_dnstap_lost_total', 'dnstap exchanges (a query with its reply) dropped: the dnstap-file or the dnstap-socket collector could not keep up, or the collector was away too long.', 'counter', (s) => s.dnstapLost);
  // With workers each streams on its own connection: the primary reports 0 if any worker's collector is away.
  add(collected('fandns_dnstap_collector_up', '1 while the dnstap-socket collector has the stream, 0 while it is away (with workers: 0 if any worker\'s is); absent without dnstap-socket.', 'gauge', () => {
    const up = snapshot().dnstapCollectorUp;
    return up === null ? [] : [{ labels: {}, value: up ? 1 : 0 }];
  }, 'min'));
  // With workers every worker reloads on the same SIGHUP: the primary reports the most any
  // worker counted, and the oldest configuration in force (a worker that refused it keeps its own).
  add(collected('fandns_config_reloads_total', 'Configuration reloads (SIGHUP), by result: ok (applied) or failed (refused; the running configuration stayed).', 'counter', () => {
    const r = snapshot().reloads;
    return [{ labels: { result: 'ok' }, value: r.ok }, { labels: { result: 'failed' }, value: r.failed }];
  }, 'max'));
  add(collected('fandns_config_last_reload_successful', '1 unless the latest configuration reload was refused (with workers: 0 if any worker refused it).', 'gauge', () =>
    [{ labels: {}, value: snapshot().reloads.lastSuccessful ? 1 : 0 }], 'min'));
  add(collected('fandns_config_last_reload_success_timestamp_seconds', 'When the configuration in force was loaded (start-up or the latest applied reload), Unix seconds; with workers, the oldest.', 'gauge', () =>
    [{ labels: {}, value: snapshot().reloads.loadedAt }], 'min'));
  // With workers each presents what it read; the primary reports the earliest, so a worker still on
  // an old certificate is what an alert sees.
  add(collected('fandns_tls_certificate_expiry_timestamp_seconds', 'When the certificate the DNS-over-TLS and DNS-over-HTTPS listeners present stops being valid (its notAfter), Unix seconds, by tls-cert-file (with workers: the earliest).', 'gauge', () => {
    const c = snapshot().certificate;
    return c === null ? [] : [{ labels: { file: c.file }, value: c.notAfter }];
  }, 'min'));
  add(collected('fandns_server_name_refreshes_total', 'server-name-refresh: lookups of clear-text servers\' host names while running, by result: unchanged (the same addresses), changed (the servers follow the new ones) or failed (the addresses stay).', 'counter', () => {
    const r = snapshot().serverNameRefreshes;
    return [{ labels: { result: 'unchanged' }, value: r.unchanged }, { labels: { result: 'changed' }, value: r.changed }, { labels: { result: 'failed' }, value: r.failed }];
  }));
  one('fandns_admin_rule_changes_total', 'Runtime rules set or removed over admin-api.', 'counter', (s) => s.adminRuleChanges);
  add(collected('fandns_upstream_queries_total', 'Queries sent to each upstream.', 'counter', () =>
    snapshot().upstreams.map((u) => ({ labels: { upstream: u.label }, value: u.queries }))));
  add(collected('fandns_upstream_failures_total', 'Failed exchanges per upstream, by reason.', 'counter', () =>
    snapshot().upstreams.flatMap((u) => [
      { labels: { upstream: u.label, reason: 'timeout' }, value: u.timeouts },
      { labels: { upstream: u.label, reason: 'network' }, value: u.network },
      { labels: { upstream: u.label, reason: 'malformed' }, value: u.malformed },
    ])));
  add(collected('fandns_upstream_responses_total', 'Replies received from each upstream, by RCODE (late replies included: those of fan-out servers that were not first).', 'counter', () =>
    snapshot().upstreams.flatMap((u) => {
      const out: Sample[] = [];
      for (let rc = 0; rc < u.rcodes.length; rc++) if (u.rcodes[rc]! > 0) out.push({ labels: { upstream: u.label, rcode: rcodeName(rc) }, value: u.rcodes[rc]! });
      return out;
    })));
  add(collected('fandns_upstream_ignored_total', 'Replies dropped by ignore-address while fandns waited for another.', 'counter', () =>
    snapshot().upstreams.map((u) => ({ labels: { upstream: u.label }, value: u.ignored }))));
  add(collected('fandns_upstream_ecs_mismatch_total', 'Replies dropped because their client subnet (ECS) option did not match the query\'s (RFC 7871 §7.3).', 'counter', () =>
    snapshot().upstreams.map((u) => ({ labels: { upstream: u.label }, value: u.ecsMismatch }))));
  add(collected('fandns_upstream_resent_total', 'Copies of UDP queries sent again because their reply had not come (fast-dns-retry).', 'counter', () =>
    snapshot().upstreams.map((u) => ({ labels: { upstream: u.label }, value: u.resent }))));
  add(collected('fandns_upstream_healthy', '1 when the upstream is considered up, 0 when down (with workers: 1 only if every worker has it up).', 'gauge', () =>
    snapshot().upstreams.map((u) => ({ labels: { upstream: u.label }, value: u.up ? 1 : 0 })), 'min'));
  add(collected('fandns_upstream_looped', '1 when dns-loop-detect found the upstream sending queries back to fandns, so it is not used (with workers: 1 if any worker found it).', 'gauge', () =>
    snapshot().upstreams.map((u) => ({ labels: { upstream: u.label }, value: u.looped ? 1 : 0 })), 'max'));
  add(collected('fandns_upstream_health_checks_total', 'Health checks (health-check=) sent to each checked upstream, by result: ok (NOERROR or NXDOMAIN) or fail.', 'counter', () =>
    snapshot().upstreams.filter((u) => u.checked || u.checksOk + u.checksFailed > 0).flatMap((u) => [
      { labels: { upstream: u.label, result: 'ok' }, value: u.checksOk },
      { labels: { upstream: u.label, result: 'fail' }, value: u.checksFailed },
    ])));
  add(collected('fandns_upstream_tls_handshakes_total', 'TLS handshakes with each tls:// or https:// upstream, by result: full, resumed (an earlier session), failed (connection lost or refused, certificate check failed).', 'counter', () =>
    snapshot().upstreams.flatMap((u) => (u.tls === null ? [] : [
      { labels: { upstream: u.label, result: 'full' }, value: u.tls.full },
      { labels: { upstream: u.label, result: 'resumed' }, value: u.tls.resumed },
      { labels: { upstream: u.label, result: 'failed' }, value: u.tls.failed },
    ]))));
  add(collected('fandns_upstream_tls_certificate_expiry_timestamp_seconds', 'When the certificate each tls:// or https:// upstream presented at its latest handshake stops being valid (its notAfter), Unix seconds (with workers: the earliest).', 'gauge', () =>
    snapshot().upstreams.flatMap((u) => (u.tls === null || u.tls.notAfter === 0 ? [] : [{ labels: { upstream: u.label }, value: u.tls.notAfter }])), 'min'));
  add(collected('fandns_upstream_rtt_seconds', 'Round-trip time of answered upstream exchanges.', 'histogram', () =>
    snapshot().upstreams.flatMap((u) => histogram('fandns_upstream_rtt_seconds', RTT_BOUNDS, u.rttBuckets, u.rttTotalMs / 1000, u.answers, { upstream: u.label }))));
  return reg;
}
