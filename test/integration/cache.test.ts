/**
 * The cache on the wire, counting what reaches the upstream: hits stay local, a thousand
 * simultaneous misses make one upstream query, negative answers are cached, stale answers are
 * served while the upstream is down and refreshed when it returns, DO and plain queries are kept
 * apart, answers rotate, and a reload clears the cache (keeping its memory, and keeping out answers
 * to queries asked before it).
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../src/config/load.js';
import { buildQuery, toReply, udpBurst } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';

describe('cache on the wire', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    up = await FakeUpstream.start((q) => {
      if (q.name.toLowerCase().startsWith('nx')) return { rcode: 'NXDOMAIN', authorities: [rr.soa('test', 60)] };
      if (q.name.toLowerCase().startsWith('bare-nx')) return { rcode: 'NXDOMAIN' };
      if (q.name.toLowerCase().startsWith('slow')) return { answers: [rr.a(q.name, '10.0.0.7', 300)], delayMs: 300 };
      if (q.name.toLowerCase().startsWith('multi')) return { answers: ['10.1.1.1', '10.1.1.2', '10.1.1.3'].map((a) => rr.a(q.name, a, 300)) };
      return { answers: [rr.a(q.name, '10.0.0.1', 300)] };
    });
    proxy = await startProxy(`server=${up.spec}\ncache-size=1000`);
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  it('answers repeated questions without asking the upstream again', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await proxy.query('hit.test')).rcode, 'NOERROR');
    assert.equal(up.count('hit.test'), 1);
  });

  it('coalesces a thousand simultaneous misses into one upstream query', async () => {
    const queries = Array.from({ length: 1000 }, (_, i) => buildQuery(i % 2 ? 'slow.test' : 'SLOW.Test', { id: i }));
    const replies = await udpBurst(queries, proxy.port, 10_000);
    assert.equal(replies.size, 1000);
    assert.equal(up.count('slow.test'), 1);
    for (const [id, raw] of replies) {
      const r = toReply(raw);
      assert.equal(r.packet.id, id);
      assert.equal(r.packet.questions?.[0]?.name, id % 2 ? 'slow.test' : 'SLOW.Test');
      assert.equal(r.packet.answers?.length, 1);
    }
  });

  it('caches NXDOMAIN with an SOA, and not without one', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await proxy.query('nx1.test')).rcode, 'NXDOMAIN');
    assert.equal(up.count('nx1.test'), 1);
    for (let i = 0; i < 3; i++) assert.equal((await proxy.query('bare-nx.test')).rcode, 'NXDOMAIN');
    assert.equal(up.count('bare-nx.test'), 3);
  });

  it('keeps DO and plain queries apart', async () => {
    await proxy.query('do.test');
    await proxy.query('do.test', { edns: 1232, dnssecOk: true });
    await proxy.query('do.test', { edns: 1232, dnssecOk: true });
    await proxy.query('do.test');
    assert.equal(up.count('do.test'), 2);
    const doQueries = up.queries.filter((q) => q.name === 'do.test');
    assert.ok(doQueries.some((q) => (q.packet.additionals ?? []).some((a) => a.type === 'OPT' && ((a as { flags?: number }).flags ?? 0) & 0x8000)));
  });

  it('rotates a multi-address answer on each hit', async () => {
    await proxy.query('multi.test');
    const firsts = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const ans = (await proxy.query('multi.test')).packet.answers ?? [];
      assert.equal(ans.length, 3);
      firsts.add((ans[0] as { data: string }).data);
    }
    assert.equal(firsts.size, 3);
    assert.equal(up.count('multi.test'), 1);
  });

  it('forgets everything on reload (SIGHUP semantics)', async () => {
    await proxy.query('reload.test');
    proxy.server.reload(proxy.config);
    await proxy.query('reload.test');
    assert.equal(up.count('reload.test'), 2);
  });

  it('empties and keeps the cache\'s memory on reload: the store is filled again, no new one is made', async () => {
    const fill = async () => {
      for (let i = 0; i < 200; i++) assert.equal((await proxy.query(`fill${i}.test`)).rcode, 'NOERROR');
    };
    await fill();
    const store = proxy.server.runtime.store;
    const slabBytes = store.slabBytes;
    for (let round = 0; round < 3; round++) {
      proxy.server.reload(proxy.config);
      assert.equal(proxy.server.runtime.store.size, 0);
      await fill();
    }
    assert.equal(proxy.server.runtime.store, store);
    assert.equal(store.slabBytes, slabBytes);
    assert.equal(up.count('fill7.test'), 4);
  });

  it('makes a new store when a reload changes cache-size', async () => {
    const store = proxy.server.runtime.store;
    proxy.server.reload(parseConfigText(`${TEST_PREAMBLE}server=${up.spec}\ncache-size=500`));
    assert.notEqual(proxy.server.runtime.store, store);
    await proxy.query('resized.test');
    await proxy.query('resized.test');
    assert.equal(up.count('resized.test'), 1);
    proxy.server.reload(proxy.config);
  });

  it('does not cache an answer to a query asked before the reload', async () => {
    const early = proxy.query('slow-late.test'); // the upstream answers after 300 ms
    await new Promise((r) => setTimeout(r, 50));
    proxy.server.reload(proxy.config);
    assert.equal((await early).rcode, 'NOERROR', 'the old runtime still answers it');
    await proxy.query('slow-late.test');
    assert.equal(up.count('slow-late.test'), 2);
  });
});

describe('serve-stale (use-stale-cache)', () => {
  it('serves the expired answer while the upstream is down and refreshes when it is back', async () => {
    let alive = true;
    const up = await FakeUpstream.start((q) => (alive ? { answers: [rr.a(q.name, alive ? '10.0.0.1' : '0.0.0.0', 1)] } : { drop: true }));
    const proxy = await startProxy(`server=${up.spec}\nuse-stale-cache=3600\nupstream-timeout=200\nquery-timeout=600\nstale-client-timeout=300`);
    try {
      assert.equal((await proxy.query('svc.test')).rcode, 'NOERROR');
      await new Promise((r) => setTimeout(r, 2300)); // the 1 s TTL runs out (clock is coarse)
      alive = false;
      const stale = await proxy.query('svc.test');
      assert.equal(stale.rcode, 'NOERROR');
      assert.equal((stale.packet.answers?.[0] as { ttl: number } | undefined)?.ttl, 30);
      alive = true;
      up.setScript((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 300)] }));
      const fresh = await proxy.query('svc.test');
      assert.equal((fresh.packet.answers?.[0] as { data: string }).data, '10.0.0.2');
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});

describe('cache-size=0', () => {
  it('forwards every query', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    const config = parseConfigText(`${TEST_PREAMBLE}server=${up.spec}\ncache-size=0`);
    assert.equal(config.cache.size, 0);
    const proxy = await startProxy(`server=${up.spec}\ncache-size=0`);
    try {
      for (let i = 0; i < 3; i++) await proxy.query('nocache.test');
      assert.equal(up.count('nocache.test'), 3);
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});
