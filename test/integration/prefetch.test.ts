/**
 * prefetch on the wire: a name asked steadily, with a 2-second TTL, is refreshed from the upstream
 * in the background while every client answer comes from the cache; the refreshes are counted in
 * fandns_cache_prefetches_total. Without the option the same questions make no refresh.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** Asks `name` every 150 ms for `ms`; returns the RCODE of each answer. */
async function askSteadily(proxy: TestProxy, name: string, ms: number): Promise<string[]> {
  const rcodes: string[] = [];
  for (const until = Date.now() + ms; Date.now() < until;) {
    rcodes.push((await proxy.query(name)).rcode);
    await new Promise((r) => setTimeout(r, 150));
  }
  return rcodes;
}

const sample = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1] ?? NaN);

describe('prefetch', () => {
  let up: FakeUpstream;
  let on: TestProxy;
  let off: TestProxy;
  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.9', 2)] }));
    on = await startProxy(`server=${up.spec}\nprefetch\nmetrics-address=127.0.0.1:0`);
    off = await startProxy(`server=${up.spec}\nmetrics-address=127.0.0.1:0`);
  });
  after(async () => {
    await on.stop();
    await off.stop();
    await up.close();
  });

  it('refreshes a steadily asked name in the background and counts it', async () => {
    const rcodes = await askSteadily(on, 'hot.test', 3500);
    assert.ok(rcodes.every((r) => r === 'NOERROR'));
    const text = await (await fetch(`http://${on.server.metricsEndpoint}/metrics`)).text();
    const prefetches = sample(text, 'fandns_cache_prefetches_total');
    assert.ok(prefetches >= 1, `prefetches ${prefetches}`);
    assert.ok(up.count('hot.test') >= 2);
    assert.ok(sample(text, 'fandns_cache_misses_total') < up.count('hot.test'), 'some upstream queries were refreshes, not misses');
  });

  it('makes no refresh without the option', async () => {
    await askSteadily(off, 'cold.test', 1500);
    const text = await (await fetch(`http://${off.server.metricsEndpoint}/metrics`)).text();
    assert.equal(sample(text, 'fandns_cache_prefetches_total'), 0);
  });
});
