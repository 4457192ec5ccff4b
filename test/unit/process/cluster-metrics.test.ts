/**
 * What the cluster primary serves: two workers' registries (as the workers send them, prom-client
 * JSON) summed with the primary's own metrics, build info taken once, upstream health the minimum;
 * and the merged /health body.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createRegistry, type MetricsSnapshot } from '../../../src/metrics/prometheus.js';
import type { ReloadCounts } from '../../../src/process/reload-record.js';
import { QueryStats } from '../../../src/metrics/query-stats.js';
import { mergeHealth, PrimaryMetrics } from '../../../src/process/cluster-metrics.js';
import { RTT_BOUNDS } from '../../../src/upstream/upstream-stats.js';
import { promSample } from '../../helpers/prom-text.js';

const NO_RELOADS: ReloadCounts = { ok: 0, failed: 0, lastSuccessful: true, loadedAt: 1000, lastError: null };

/** Replies by RCODE: `noerror` NOERROR and `nxdomain` NXDOMAIN. */
const rcodes = (noerror: number, nxdomain: number) => Float64Array.from({ length: 16 }, (_, i) => (i === 0 ? noerror : i === 3 ? nxdomain : 0));

/** A worker's registry with `hits` cache hits, `udp` A queries, the upstream up or down, stale answers by rule, its reloads, the listeners' certificate and its dnstap collector. */
function workerRegistry(hits: number, udp: number, up: boolean, staleByRule: Record<string, number> = {}, reloads = NO_RELOADS,
  certificate: MetricsSnapshot['certificate'] = null, collectorUp: boolean | null = null) {
  const stats = new QueryStats();
  stats.requests[0] = udp;
  const buckets = new Float64Array(RTT_BOUNDS.length + 1);
  buckets[0] = udp;
  const snapshot: MetricsSnapshot = {
    cache: { hits, misses: 1, staleServed: 0, staleByRule, prefetches: 0, evictions: 0, insertions: 1, entries: 1, bytes: 100 },
    forward: { refusedOverload: 0, refusedNoServer: 0, coalesced: 0, inFlight: 0, merged: 0 },
    bootstrapLookups: { ok: 0, failed: 0 },
    rejected: { formerr: 0 },
    rebindBlocked: 0,
    bogusNxdomain: 0,
    upstreams: [
      { label: '127.0.0.1#53', up, looped: false, queries: udp, timeouts: 0, malformed: 0, ignored: 0, ecsMismatch: 0, resent: 0, rcodes: rcodes(udp, 1), network: 0, rttBuckets: buckets, rttTotalMs: udp, answers: udp, checked: false, checksOk: 0, checksFailed: 0, tls: null },
      { label: 'tls://127.0.0.1#853', up, looped: false, queries: 0, timeouts: 0, malformed: 0, ignored: 0, ecsMismatch: 0, resent: 0, rcodes: rcodes(0, 0), network: 0, rttBuckets: new Float64Array(RTT_BOUNDS.length + 1), rttTotalMs: 0, answers: 0, checked: false, checksOk: 0, checksFailed: 0, tls: { full: 1, resumed: hits, failed: 0, notAfter: 1_800_000_000 + hits } },
    ],
    queryLogLost: 0,
    dumpLost: 0,
    dnstapLost: 0,
    dnstapCollectorUp: collectorUp,
    certificate,
    adminRuleChanges: 0,
    reloads,
    serverNameRefreshes: { unchanged: hits, changed: 1, failed: 0 },
  };
  return createRegistry(stats, () => snapshot, '9.9.9');
}

/** The value of the sample line `name{labels}` (labels as written), or undefined. */
const sample = promSample;

describe('PrimaryMetrics', () => {
  it('sums the workers, takes build info once, reports upstream health as the minimum, adds its own', async () => {
    const a = await workerRegistry(3, 10, true, { 'service.consul': 2 }).getMetricsAsJSON();
    const b = await workerRegistry(4, 5, false, { 'service.consul': 1, '.': 4 }).getMetricsAsJSON();
    const primary = new PrimaryMetrics(() => 2);
    primary.restarted();
    const text = await primary.text([a, b]);
    assert.equal(sample(text, 'fandns_cache_hits_total'), 7);
    assert.equal(sample(text, 'fandns_cache_entries'), 2);
    assert.equal(sample(text, 'fandns_server_name_refreshes_total{result="unchanged"}'), 7, 'each worker looks names up on its own: summed');
    assert.equal(sample(text, 'fandns_server_name_refreshes_total{result="changed"}'), 2);
    assert.equal(sample(text, 'fandns_cache_stale_total{rule="service.consul"}'), 3, 'stale answers summed per rule');
    assert.equal(sample(text, 'fandns_cache_stale_total{rule="."}'), 4);
    assert.equal(sample(text, 'fandns_requests_total{type="A",proto="udp"}'), 15);
    assert.equal(sample(text, 'fandns_upstream_queries_total{upstream="127.0.0.1#53"}'), 15);
    assert.equal(sample(text, 'fandns_upstream_rtt_seconds_count{upstream="127.0.0.1#53"}'), 15);
    assert.equal(sample(text, 'fandns_upstream_rtt_seconds_bucket{upstream="127.0.0.1#53",le="0.0005"}'), 15);
    assert.equal(sample(text, 'fandns_upstream_healthy{upstream="127.0.0.1#53"}'), 0);
    assert.equal(sample(text, 'fandns_upstream_responses_total{upstream="127.0.0.1#53",rcode="NOERROR"}'), 15, 'replies by RCODE, summed');
    assert.equal(sample(text, 'fandns_upstream_responses_total{upstream="127.0.0.1#53",rcode="NXDOMAIN"}'), 2);
    assert.equal(sample(text, 'fandns_upstream_responses_total{upstream="tls://127.0.0.1#853",rcode="NOERROR"}'), undefined, 'none: no sample');
    assert.equal(sample(text, 'fandns_upstream_tls_handshakes_total{upstream="tls://127.0.0.1#853",result="full"}'), 2, 'each worker has its own TLS connection');
    assert.equal(sample(text, 'fandns_upstream_tls_handshakes_total{upstream="tls://127.0.0.1#853",result="resumed"}'), 7);
    assert.equal(sample(text, 'fandns_upstream_tls_handshakes_total{upstream="127.0.0.1#53",result="full"}'), undefined, 'clear-text servers have none');
    assert.equal(sample(text, 'fandns_upstream_tls_certificate_expiry_timestamp_seconds{upstream="tls://127.0.0.1#853"}'), 1_800_000_003, 'the earliest any worker saw');
    assert.equal(sample(text, 'fandns_upstream_tls_certificate_expiry_timestamp_seconds{upstream="127.0.0.1#53"}'), undefined);
    assert.equal(sample(text, `fandns_build_info{version="9.9.9",node="${process.version}"}`), 1);
    assert.equal(sample(text, 'fandns_workers'), 2);
    assert.equal(sample(text, 'fandns_worker_restarts_total'), 1);
    assert.ok((sample(text, 'process_resident_memory_bytes') ?? 0) > 0, 'process metrics of all processes, summed');
  });

  it('reports the listeners\' certificate expiry as the earliest any worker presents, and none without listeners', async () => {
    const cert = (notAfter: number) => ({ file: '/etc/fandns/cert.pem', notAfter });
    const a = await workerRegistry(0, 0, true, {}, NO_RELOADS, cert(1_900_000_000)).getMetricsAsJSON();
    const b = await workerRegistry(0, 0, true, {}, NO_RELOADS, cert(1_800_000_000)).getMetricsAsJSON();
    const text = await new PrimaryMetrics(() => 2).text([a, b]);
    assert.equal(sample(text, 'fandns_tls_certificate_expiry_timestamp_seconds{file="/etc/fandns/cert.pem"}'), 1_800_000_000, 'the worker still on the older certificate');
    const plain = await new PrimaryMetrics(() => 1).text([await workerRegistry(0, 0, true).getMetricsAsJSON()]);
    assert.doesNotMatch(plain, /^fandns_tls_certificate_expiry_timestamp_seconds\{/m);
  });

  it('reports the dnstap collector as up only while every worker\'s is, and not at all without dnstap-socket', async () => {
    const worker = (up: boolean | null) => workerRegistry(0, 0, true, {}, NO_RELOADS, null, up).getMetricsAsJSON();
    assert.equal(sample(await new PrimaryMetrics(() => 2).text([await worker(true), await worker(false)]), 'fandns_dnstap_collector_up'), 0);
    assert.equal(sample(await new PrimaryMetrics(() => 2).text([await worker(true), await worker(true)]), 'fandns_dnstap_collector_up'), 1);
    assert.doesNotMatch(await new PrimaryMetrics(() => 1).text([await worker(null)]), /^fandns_dnstap_collector_up /m);
  });

  it('counts admin-api changes once: the primary\'s count, the workers\' zeros added to it', async () => {
    const a = await workerRegistry(0, 0, true).getMetricsAsJSON();
    const b = await workerRegistry(0, 0, true).getMetricsAsJSON();
    let changes = 3;
    const primary = new PrimaryMetrics(() => 2, () => changes);
    assert.equal(sample(await primary.text([a, b]), 'fandns_admin_rule_changes_total'), 3);
    changes = 4;
    assert.equal(sample(await primary.text([a, b]), 'fandns_admin_rule_changes_total'), 4);
  });

  it('reports reloads as the most any worker counted, refused if any worker refused the latest, loaded at the oldest', async () => {
    const a = await workerRegistry(0, 0, true, {}, { ok: 2, failed: 1, lastSuccessful: false, loadedAt: 1500, lastError: 'x.conf:3: unknown option' }).getMetricsAsJSON();
    const b = await workerRegistry(0, 0, true, {}, { ok: 1, failed: 1, lastSuccessful: true, loadedAt: 1200, lastError: null }).getMetricsAsJSON();
    const text = await new PrimaryMetrics(() => 2).text([a, b]);
    assert.equal(sample(text, 'fandns_config_reloads_total{result="ok"}'), 2);
    assert.equal(sample(text, 'fandns_config_reloads_total{result="failed"}'), 1);
    assert.equal(sample(text, 'fandns_config_last_reload_successful'), 0);
    assert.equal(sample(text, 'fandns_config_last_reload_success_timestamp_seconds'), 1200);
  });

  it('serves its own metrics when no worker answered', async () => {
    const text = await new PrimaryMetrics(() => 0).text([]);
    assert.equal(sample(text, 'fandns_workers'), 0);
    assert.equal(sample(text, 'fandns_cache_hits_total'), undefined);
  });
});

describe('mergeHealth', () => {
  const up = (server: string, isUp: boolean, rttMs: number | null, looped = false, checked = false, lastCheck: { ok: boolean; result: string } | null = null) =>
    ({ server, up: isUp, looped, rttMs, checked, lastCheck });
  it('has an upstream up only when every worker has it up, with the mean RTT', () => {
    const h = mergeHealth(new Map([
      [11, { status: 'ok' as const, upstreams: [up('a#53', true, 1), up('b#53', true, null)] }],
      [12, { status: 'degraded' as const, upstreams: [up('a#53', true, 2), up('b#53', false, 4)] }],
    ]));
    assert.deepEqual(h, {
      status: 'degraded',
      workers: [{ pid: 11, status: 'ok' }, { pid: 12, status: 'degraded' }],
      upstreams: [up('a#53', true, 1.5), up('b#53', false, 4)],
    });
  });

  it('is ok when every worker has every upstream up, degraded with no worker at all', () => {
    assert.equal(mergeHealth(new Map([[1, { status: 'ok' as const, upstreams: [up('a#53', true, 1)] }]])).status, 'ok');
    assert.equal(mergeHealth(new Map()).status, 'degraded');
  });

  it('has an upstream looped when any worker found it looping (dns-loop-detect), and is degraded then', () => {
    const h = mergeHealth(new Map([
      [11, { status: 'ok' as const, upstreams: [up('a#53', true, 1)] }],
      [12, { status: 'degraded' as const, upstreams: [up('a#53', true, 1, true)] }],
    ]));
    assert.deepEqual(h.upstreams, [up('a#53', true, 1, true)]);
    assert.equal(h.status, 'degraded');
  });

  it('has an upstream checked when any worker checks it (health-check=), with a failed last check winning', () => {
    const ok = { ok: true, result: 'NOERROR' };
    const fail = { ok: false, result: 'SERVFAIL' };
    const h = mergeHealth(new Map([
      [11, { status: 'ok' as const, upstreams: [up('a#53', true, 1, false, true, ok), up('b#53', true, 1)] }],
      [12, { status: 'degraded' as const, upstreams: [up('a#53', false, 1, false, true, fail), up('b#53', true, 1)] }],
    ]));
    assert.deepEqual(h.upstreams, [up('a#53', false, 1, false, true, fail), up('b#53', true, 1)]);
  });

  it('gives a server named by host name every address some worker looked it up to, once each', () => {
    const named = (addresses: string[]) => ({ ...up('tls://dns.example#853', true, 1), addresses });
    const h = mergeHealth(new Map([
      [11, { status: 'ok' as const, upstreams: [named(['192.0.2.1', '192.0.2.2']), up('b#53', true, 1)] }],
      [12, { status: 'ok' as const, upstreams: [named(['192.0.2.2', '192.0.2.3']), up('b#53', true, 1)] }],
      [13, { status: 'ok' as const, upstreams: [named([])] }],
    ]));
    assert.deepEqual(h.upstreams, [named(['192.0.2.1', '192.0.2.2', '192.0.2.3']), up('b#53', true, 1)]);
    assert.deepEqual(mergeHealth(new Map([[11, { status: 'ok' as const, upstreams: [named([])] }]])).upstreams, [named([])], 'none looked up yet');
  });
});
