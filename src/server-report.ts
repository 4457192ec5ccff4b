/**
 * What the server reports about itself, read from the counters the pipeline keeps: the SIGUSR1
 * statistics summary, /health, and the snapshot /metrics is built from. Pure functions of a
 * Runtime; nothing here runs per query.
 */
import type { AcceptCounters } from './listen/accept.js';
import type { MetricsSnapshot } from './metrics/prometheus.js';
import type { ReloadCounts } from './process/reload-record.js';
import type { Runtime } from './runtime.js';
import type { Upstream } from './upstream/upstream.js';
import { RCode } from './wire/constants.js';

const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
const ms2 = (n: number) => Math.round(n * 100) / 100;

/** The /health body: each upstream's state; "degraded" when any is down or looped. */
export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly upstreams: readonly {
    server: string; up: boolean; looped: boolean; rttMs: number | null;
    /** True while health-check= checks this server. */
    checked: boolean;
    /** The latest check's result (an RCODE name, timeout, network or malformed) and whether it was good; null: none yet. */
    lastCheck: { ok: boolean; result: string } | null;
    /** Only for a tls:// or https:// server named by host name: the addresses it was last looked up to (bootstrap-server=). */
    addresses?: readonly string[];
    /** Only for a clear-text server looked up from host names: those names (the server is one of the addresses of each). */
    names?: readonly string[];
  }[];
}

/** One upstream's state as /health (and /explain) report it. */
export const upstreamState = (u: Upstream): HealthReport['upstreams'][number] => ({
  server: u.label,
  up: u.health.up,
  looped: u.looped,
  rttMs: Number.isNaN(u.health.rttMs) ? null : ms2(u.health.rttMs),
  checked: u.health.checked,
  lastCheck: u.health.lastCheck === null ? null : { ok: u.health.lastCheck.ok, result: u.health.lastCheck.result },
  ...(u.hostAddresses !== null ? { addresses: u.hostAddresses } : {}),
  ...(u.hostNames.length > 0 ? { names: u.hostNames } : {}),
});

/** Per-upstream state for /health. */
export function healthReport(rt: Runtime | null): HealthReport {
  const upstreams = (rt ? rt.registry.upstreams() : []).map(upstreamState);
  return { status: upstreams.every((u) => u.up && !u.looped) ? 'ok' : 'degraded', upstreams };
}

/** The SIGUSR1 summary: memory, cache and per-upstream counters, never the entries. */
export function statsReport(rt: Runtime, accept: AcceptCounters, reloads: ReloadCounts): Record<string, unknown> {
  const mem = process.memoryUsage();
  return {
    memory: { rssMiB: mib(mem.rss), heapUsedMiB: mib(mem.heapUsed), heapTotalMiB: mib(mem.heapTotal), externalMiB: mib(mem.external) },
    cache: {
      size: rt.config.cache.size,
      entries: rt.store.size,
      bytes: rt.store.bytes,
      slabMiB: mib(rt.store.slabBytes),
      insertions: rt.store.counters.insertions,
      evictions: rt.store.counters.evictions,
      refused: rt.store.counters.refused,
      ...rt.cache.counters,
    },
    forward: { ...rt.forward.counters, merged: rt.registry.tally.merges },
    local: { ...rt.local },
    rejected: accept,
    reloads,
    upstreams: rt.registry.upstreams().map((u) => ({
      server: u.label,
      up: u.health.up,
      looped: u.looped,
      queries: u.stats.queries,
      failures: u.stats.failures,
      timeouts: u.stats.timeouts,
      resent: u.stats.resent,
      nxdomain: u.stats.rcodes[RCode.NXDOMAIN],
      avgLatencyMs: u.stats.answers ? ms2(u.stats.rttTotalMs / u.stats.answers) : null,
      // Only for servers health-check= checks.
      ...(u.health.checked ? { checks: { ok: u.stats.checksOk, failed: u.stats.checksFailed, last: u.health.lastCheck } } : {}),
    })),
  };
}

/** What /metrics reports beyond the runtime's counters: the server's own. */
export type ServerCounts = Pick<MetricsSnapshot, 'queryLogLost' | 'dumpLost' | 'dnstapLost' | 'dnstapCollectorUp' | 'certificate' | 'adminRuleChanges' | 'reloads' | 'serverNameRefreshes'>;

/** Everything /metrics reports, read at scrape time. */
export function metricsReport(rt: Runtime, accept: AcceptCounters, own: ServerCounts): MetricsSnapshot {
  return {
    cache: { ...rt.cache.counters, evictions: rt.store.counters.evictions, insertions: rt.store.counters.insertions, entries: rt.store.size, bytes: rt.store.bytes },
    forward: {
      refusedOverload: rt.forward.counters.refusedOverload,
      refusedNoServer: rt.forward.counters.refusedNoServer,
      coalesced: rt.forward.counters.coalesced,
      inFlight: rt.registry.groups().reduce((n, g) => n + g.inFlight, 0),
      merged: rt.registry.tally.merges,
    },
    bootstrapLookups: { ok: rt.registry.tally.lookupsOk, failed: rt.registry.tally.lookupsFailed },
    rejected: { ...accept },
    rebindBlocked: rt.filter.blocked,
    bogusNxdomain: rt.filter.bogus,
    upstreams: rt.registry.upstreams().map((u) => ({
      label: u.label,
      up: u.health.up,
      looped: u.looped,
      queries: u.stats.queries,
      timeouts: u.stats.timeouts,
      malformed: u.stats.malformed,
      ignored: u.stats.ignored,
      ecsMismatch: u.stats.ecsMismatch,
      resent: u.stats.resent,
      rcodes: u.stats.rcodes,
      network: u.stats.failures - u.stats.timeouts - u.stats.malformed,
      rttBuckets: u.stats.rttBuckets,
      rttTotalMs: u.stats.rttTotalMs,
      answers: u.stats.answers,
      checked: u.health.checked,
      checksOk: u.stats.checksOk,
      checksFailed: u.stats.checksFailed,
      tls: u.overTls ? u.stats.tls : null,
    })),
    ...own,
  };
}
