/**
 * Serve-stale for one domain on the wire: Consul (its own server= rule) and the default servers
 * answer with TTL 1, then Consul SERVFAILs and the default servers go silent. Names under a domain
 * with serve-stale on get the expired answer (TTL 30); names under a domain with it off get
 * SERVFAIL; each stale answer is counted under its rule on /metrics and in the SIGUSR1 summary.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { promSample } from '../helpers/prom-text.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ttlsOf = (answers: readonly unknown[] | undefined) => (answers ?? []).map((a) => (a as { ttl: number }).ttl);
const sample = promSample;

describe('serve-stale per domain', () => {
  let consul: FakeUpstream;
  let recursive: FakeUpstream;
  /** Global use-stale-cache, off for live.test, Consul's clients wait 100 ms for a refresh. */
  let global: TestProxy;
  /** No global use-stale-cache: only service.consul is served stale. */
  let scoped: TestProxy;
  const names = ['web.service.consul', 'a.test', 'x.live.test'];

  before(async () => {
    consul = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.5', 1)] }));
    recursive = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.1', 1)] }));
    const servers = `server=${recursive.spec}\nserver=/service.consul/${consul.spec}\nupstream-timeout=200\nquery-timeout=600\nmetrics-address=127.0.0.1:0\n`;
    global = await startProxy(`${servers}use-stale-cache=3600\nstale-client-timeout=300\nno-stale-cache=/live.test/\nstale-client-timeout=/service.consul/100`);
    scoped = await startProxy(`${servers}use-stale-cache=/service.consul/600`);
    for (const p of [global, scoped]) for (const n of names) assert.equal((await p.query(n)).rcode, 'NOERROR');
    await sleep(2300); // the 1 s TTLs run out (the cache clock counts whole seconds)
    consul.setScript(() => ({ rcode: 'SERVFAIL' }));
    recursive.setScript(() => ({ drop: true }));
  });
  after(async () => {
    await global?.stop();
    await scoped?.stop();
    await consul?.close();
    await recursive?.close();
  });

  it('serves the expired answer where serve-stale is on, SERVFAIL where a domain turns it off', async () => {
    const [web, a, live] = await Promise.all(names.map((n) => global.query(n)));
    assert.equal(web!.rcode, 'NOERROR');
    assert.deepEqual(ttlsOf(web!.packet.answers), [30]);
    assert.equal(a!.rcode, 'NOERROR', 'the default servers are silent: stale after stale-client-timeout');
    assert.deepEqual(ttlsOf(a!.packet.answers), [30]);
    assert.equal(live!.rcode, 'SERVFAIL');
    assert.deepEqual(live!.packet.answers ?? [], []);
  });

  it('serves stale only under the domain that turns it on, without a global use-stale-cache', async () => {
    const [web, a, live] = await Promise.all(names.map((n) => scoped.query(n)));
    assert.equal(web!.rcode, 'NOERROR');
    assert.deepEqual(ttlsOf(web!.packet.answers), [30]);
    assert.equal(a!.rcode, 'SERVFAIL');
    assert.equal(live!.rcode, 'SERVFAIL');
  });

  it('counts stale answers by rule on /metrics and in the SIGUSR1 summary', async () => {
    await global.query('web.service.consul');
    const text = await (await fetch(`http://${global.server.metricsEndpoint}/metrics`)).text();
    assert.equal(sample(text, 'fandns_cache_stale_total{rule="service.consul"}'), 2);
    assert.equal(sample(text, 'fandns_cache_stale_total{rule="."}'), 1);
    assert.equal(sample(text, 'fandns_cache_stale_total{rule="live.test"}'), undefined, 'no stale answer there');
    const stats = global.server.stats() as { cache: { staleServed: number; staleByRule: Record<string, number> } };
    assert.deepEqual({ ...stats.cache.staleByRule }, { 'service.consul': 2, '.': 1 });
    assert.equal(stats.cache.staleServed, 3);
    const other = await (await fetch(`http://${scoped.server.metricsEndpoint}/metrics`)).text();
    assert.equal(sample(other, 'fandns_cache_stale_total{rule="service.consul"}'), 1);
    assert.equal(sample(other, 'fandns_cache_stale_total{rule="."}'), 0);
  });
});
