/**
 * The cache stage with a fake clock and a fake next stage: TTL countdown and expiry, negative
 * caching by SOA and neg-ttl, min/max TTL rules, what is never cached, DO/CD keys, rotation,
 * max-ttl, serve-stale.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeClock } from '../../../src/clock.js';
import { CacheStore } from '../../../src/cache/store.js';
import { createCache, dueForPrefetch, type CacheOptions } from '../../../src/handlers/cache.js';
import type { DomainCache, StaleOptions } from '../../../src/handlers/cache-settings.js';
import { finalize } from '../../../src/pipeline/finalize.js';
import type { Query } from '../../../src/pipeline/query.js';
import { Reply, type Next, type Outcome, type ReplySource } from '../../../src/pipeline/types.js';
import { SuffixMap } from '../../../src/routing/suffix-map.js';
import { isPromise } from '../../../src/util/thenable.js';
import { CACHE_BASE } from '../../helpers/cache-stage.js';
import { rr } from '../../helpers/fake-upstream.js';
import { decode, makeQuery, upstreamReply, type ReplySpec } from '../../helpers/wire.js';
import { bytes, header, labels, pointer, question, record } from '../../helpers/wire-bytes.js';

const BASE: CacheOptions = CACHE_BASE;

/** The cache stage's settings for `domain`: its TTL policy, serve-stale as global (off) unless given. */
const under = (domain: string, ttl: CacheOptions['ttl'], stale: StaleOptions | null = null): readonly [string, DomainCache] => [domain, { domain, ttl, stale }];

/**
 * A cache stage over a fake upstream that answers from `spec(q)` and counts calls; `as` relabels
 * its replies (the cname stage's alias answers).
 */
function setup(opts: Partial<CacheOptions> = {}, spec: (q: Query) => ReplySpec | 'fail' = () => ({}), as: (r: Reply) => Reply = (r) => r) {
  const clock = new FakeClock();
  const store = new CacheStore(1000, 1 << 24);
  const cache = createCache({ ...BASE, ...opts }, store, clock);
  let calls = 0;
  let upstream = spec;
  let delayMs = 0;
  const next: Next = (q) => {
    calls++;
    const s = upstream(q);
    if (s === 'fail') return new Reply(Buffer.from(q.msg), 'error', true, -1, -1, null);
    const r = as(upstreamReply(q, s));
    return delayMs > 0 ? new Promise((resolve) => setTimeout(() => resolve(r), delayMs)) : Promise.resolve(r);
  };
  const ask = async (name: string, qopts = {}) => {
    const q = makeQuery(name, qopts);
    const r = cache.handle(q, next);
    const o: Outcome = isPromise(r) ? await r : r;
    assert.ok(o instanceof Reply);
    return { reply: o, packet: decode(finalize(o, q, 1232)) };
  };
  return { clock, store, cache, ask, calls: () => calls, setUpstream: (s: typeof spec) => (upstream = s), setDelay: (ms: number) => (delayMs = ms) };
}

const ttls = (p: ReturnType<typeof decode>) => (p.answers ?? []).map((a) => (a as { ttl: number }).ttl);
const answerTypes = (p: ReturnType<typeof decode>) => (p.answers ?? []).map((a) => a.type);

describe('cache stage', () => {
  it('answers a repeated question from the cache with TTLs counting down', async () => {
    const t = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    assert.equal((await t.ask('a.test')).reply.source, 'upstream');
    t.clock.advance(100);
    const hit = await t.ask('A.TEST');
    assert.equal(hit.reply.source, 'cache');
    assert.equal(t.calls(), 1);
    assert.deepEqual(ttls(hit.packet), [200]);
    assert.equal(hit.packet.questions?.[0]?.name, 'A.TEST');
  });

  it('makes a hit for its own client: ID, question, RD, RA, AD and OPT are the client\'s, so finalize copies nothing', async () => {
    const AD = 1 << 5;
    const t = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)], flags: AD }));
    await t.ask('p.test');
    const rows = [
      { opts: { id: 0x1234, rd: false }, rd: false, ad: false, opt: false },
      { opts: { id: 0x4321, ad: true }, rd: true, ad: true, opt: false },
      { opts: { id: 7, edns: 4096 }, rd: true, ad: false, opt: true },
    ];
    for (const row of rows) {
      const q = makeQuery('P.Test', row.opts);
      const o = t.cache.handle(q, () => assert.fail('a hit must not go on down the chain'));
      assert.ok(o instanceof Reply && o.source === 'cache' && o.personalised);
      assert.equal(finalize(o, q, 1232), o.wire, 'returned as it is');
      const packet = decode(o.wire);
      const flags = (o.wire[2]! << 8) | o.wire[3]!;
      assert.equal(packet.id, row.opts.id);
      assert.equal(packet.questions?.[0]?.name, 'P.Test');
      assert.equal((flags & 0x0100) !== 0, row.rd, 'RD');
      assert.equal((flags & 0x0080) !== 0, true, 'RA');
      assert.equal((flags & 0x0020) !== 0, row.ad, 'AD');
      assert.equal((flags & 0x0400) !== 0, false, 'AA');
      assert.equal((packet.additionals ?? []).some((r) => r.type === 'OPT'), row.opt);
    }
  });

  it('expires an entry when its smallest TTL runs out', async () => {
    const t = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300), rr.a(q.name, '10.0.0.2', 60)] }));
    await t.ask('b.test');
    t.clock.advance(59);
    assert.equal((await t.ask('b.test')).reply.source, 'cache');
    t.clock.advance(1);
    assert.equal((await t.ask('b.test')).reply.source, 'upstream');
    assert.equal(t.calls(), 2);
  });

  it('never serves a negative or larger-than-original TTL', async () => {
    const t = setup({}, (q) => ({ answers: [rr.cname(q.name, 'target.test', 100), rr.a('target.test', '10.0.0.3', 30)] }));
    await t.ask('c.test');
    t.clock.advance(29);
    const hit = await t.ask('c.test');
    for (const ttl of ttls(hit.packet)) assert.ok(ttl >= 0 && ttl <= 100, `ttl ${ttl}`);
  });

  it('does not cache TTL 0 unless min-cache-ttl raises it', async () => {
    const t = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 0)] }));
    await t.ask('z.test');
    await t.ask('z.test');
    assert.equal(t.calls(), 2);
    const m = setup({ ttl: { ...BASE.ttl, minCacheTtl: 60 } }, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 0)] }));
    await m.ask('z.test');
    const hit = await m.ask('z.test');
    assert.equal(m.calls(), 1);
    assert.deepEqual(ttls(hit.packet), [60]);
  });

  it('lowers TTLs above max-cache-ttl and caps client TTLs with max-ttl', async () => {
    const t = setup({ ttl: { ...BASE.ttl, maxCacheTtl: 50 } }, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 999)] }));
    const first = await t.ask('m.test');
    assert.deepEqual(ttls(first.packet), [999], 'the forwarded answer keeps the upstream TTL');
    assert.deepEqual(ttls((await t.ask('m.test')).packet), [50]);
    const c = setup({ clientMaxTtl: 20 }, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 999)] }));
    assert.deepEqual(ttls((await c.ask('m.test')).packet), [20]);
    assert.deepEqual(ttls((await c.ask('m.test')).packet), [20]);
  });

  it('caches NXDOMAIN for min(SOA TTL, SOA minimum) and counts the SOA down', async () => {
    const t = setup({}, () => ({ rcode: 'NXDOMAIN', authorities: [rr.soa('test', 60, 300)] }));
    await t.ask('nx.test');
    t.clock.advance(10);
    const hit = await t.ask('nx.test');
    assert.equal(hit.reply.source, 'cache');
    assert.equal(hit.reply.rcode, 3);
    assert.equal((hit.packet.authorities?.[0] as { ttl: number }).ttl, 50);
    t.clock.advance(50);
    assert.equal((await t.ask('nx.test')).reply.source, 'upstream');
  });

  it('caches NODATA; without an SOA only when neg-ttl is set; never with no-negcache', async () => {
    const nodata = setup({}, () => ({ authorities: [rr.soa('test', 30, 300)] }));
    await nodata.ask('nd.test', { type: 'AAAA' });
    assert.equal((await nodata.ask('nd.test', { type: 'AAAA' })).reply.source, 'cache');
    const bare = setup({}, () => ({ rcode: 'NXDOMAIN' }));
    await bare.ask('x.test');
    assert.equal((await bare.ask('x.test')).reply.source, 'upstream');
    const neg = setup({ ttl: { ...BASE.ttl, negTtl: 20 } }, () => ({ rcode: 'NXDOMAIN' }));
    await neg.ask('x.test');
    assert.equal((await neg.ask('x.test')).reply.source, 'cache');
    const off = setup({ ttl: { ...BASE.ttl, noNegcache: true } }, () => ({ rcode: 'NXDOMAIN', authorities: [rr.soa('test')] }));
    await off.ask('x.test');
    assert.equal((await off.ask('x.test')).reply.source, 'upstream');
  });

  it('applies the policy of the longest configured domain a name is under, the global one elsewhere', async () => {
    const consul = { ...BASE.ttl, minCacheTtl: 2 };
    const web = { ...BASE.ttl, minCacheTtl: 2, maxCacheTtl: 0 };
    const domains = new SuffixMap([under('service.consul', consul), under('web.service.consul', web)]);
    const t = setup({ domains }, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 0)] }));
    await t.ask('api.Service.CONSUL');
    const hit = await t.ask('api.service.consul');
    assert.equal(hit.reply.source, 'cache', 'TTL 0 under service.consul is kept 2 s');
    assert.deepEqual(ttls(hit.packet), [2]);
    t.clock.advance(2);
    assert.equal((await t.ask('api.service.consul')).reply.source, 'upstream');
    await t.ask('x.web.service.consul');
    assert.equal((await t.ask('x.web.service.consul')).reply.source, 'upstream', 'max-cache-ttl 0: not cached');
    await t.ask('consul');
    assert.equal((await t.ask('consul')).reply.source, 'upstream', 'the parent domain keeps the global policy');
    await t.ask('xservice.consul');
    assert.equal((await t.ask('xservice.consul')).reply.source, 'upstream', 'whole labels only');
  });

  it('applies a domain\'s negative settings to its NXDOMAIN answers only', async () => {
    const domains = new SuffixMap([under('consul', { ...BASE.ttl, noNegcache: true }), under('lan', { ...BASE.ttl, negTtl: 5 })]);
    const t = setup({ domains }, () => ({ rcode: 'NXDOMAIN', authorities: [rr.soa('test', 60, 300)] }));
    await t.ask('gone.consul');
    assert.equal((await t.ask('gone.consul')).reply.source, 'upstream');
    await t.ask('gone.test');
    assert.equal((await t.ask('gone.test')).reply.source, 'cache');
    t.setUpstream(() => ({ rcode: 'NXDOMAIN' }));
    await t.ask('gone.lan');
    assert.equal((await t.ask('gone.lan')).reply.source, 'cache', 'neg-ttl for the domain: no SOA, cached 5 s');
    t.clock.advance(5);
    assert.equal((await t.ask('gone.lan')).reply.source, 'upstream');
  });

  it('prefetch: a hit in the last tenth of the lifetime refreshes the entry in the background, once', async () => {
    const t = setup({ prefetch: true }, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 100)] }));
    await t.ask('hot.test');
    t.clock.advance(89);
    assert.equal((await t.ask('hot.test')).reply.source, 'cache');
    assert.equal(t.calls(), 1, 'eleven seconds left: no refresh yet');
    t.clock.advance(1);
    const hit = await t.ask('hot.test');
    assert.equal(hit.reply.source, 'cache', 'the client is answered from the cache at once');
    assert.deepEqual(ttls(hit.packet), [10]);
    assert.equal(t.calls(), 2);
    assert.equal(t.cache.counters.prefetches, 1);
    await new Promise((r) => setImmediate(r));
    const after = await t.ask('hot.test');
    assert.deepEqual(ttls(after.packet), [100], 'the refreshed answer is stored');
    assert.equal(t.calls(), 2);
  });

  it('prefetch: one refresh at a time per entry; a failed one keeps the entry and may be tried again', async () => {
    let fail = false;
    const t = setup({ prefetch: true }, (q) => (fail ? 'fail' : { answers: [rr.a(q.name, '10.0.0.1', 20)] }));
    await t.ask('busy.test');
    t.clock.advance(18);
    const hits = await Promise.all([t.ask('busy.test'), t.ask('busy.test'), t.ask('busy.test')]);
    assert.deepEqual(hits.map((h) => h.reply.source), ['cache', 'cache', 'cache']);
    assert.equal(t.calls(), 2, 'three hits at once: one refresh');
    await new Promise((r) => setImmediate(r));
    t.clock.advance(18);
    fail = true;
    for (let i = 0; i < 2; i++) {
      assert.equal((await t.ask('busy.test')).reply.source, 'cache');
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(t.calls(), 4, 'each failed refresh ended: the next hit tries again');
    assert.deepEqual(ttls((await t.ask('busy.test')).packet), [2], 'the entry the failures left is the refreshed one, counting down');
  });

  it('prefetch: never in the second an entry was stored, and not without the option', async () => {
    const one = setup({ prefetch: true }, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 1)] }));
    await one.ask('one.test');
    await one.ask('one.test');
    assert.equal(one.calls(), 1, 'a 1-second entry is never refreshed');
    const off = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 100)] }));
    await off.ask('off.test');
    off.clock.advance(95);
    await off.ask('off.test');
    assert.equal(off.calls(), 1);
  });

  it('dueForPrefetch: the last tenth of the lifetime, at least the last second, never the first', () => {
    assert.deepEqual([100, 91, 10, 1].map((left) => dueForPrefetch(left, 100)), [false, false, true, true]);
    assert.deepEqual([2, 1].map((left) => dueForPrefetch(left, 2)), [false, true]);
    assert.equal(dueForPrefetch(1, 1), false);
  });

  it('never caches SERVFAIL, REFUSED or truncated replies', async () => {
    for (const spec of [{ rcode: 'SERVFAIL' }, { rcode: 'REFUSED' }, { flags: 0x200, answers: [] }] as ReplySpec[]) {
      const t = setup({}, () => spec);
      await t.ask('e.test');
      await t.ask('e.test');
      assert.equal(t.calls(), 2, JSON.stringify(spec));
    }
  });

  it('keeps DO and CD queries apart from plain ones', async () => {
    const t = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    await t.ask('d.test');
    assert.equal((await t.ask('d.test', { edns: 1232, dnssecOk: true })).reply.source, 'upstream');
    assert.equal((await t.ask('d.test', { cd: true })).reply.source, 'upstream');
    assert.equal((await t.ask('d.test', { edns: 1232, dnssecOk: true })).reply.source, 'cache');
    assert.equal((await t.ask('d.test', { edns: 4096 })).reply.source, 'cache', 'EDNS without DO shares the entry');
    assert.equal(t.calls(), 3);
  });

  it('adds an OPT record for EDNS clients on a hit, and none for others', async () => {
    const t = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    await t.ask('o.test');
    const withEdns = await t.ask('o.test', { edns: 4096 });
    const opt = (withEdns.packet.additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize: number } | undefined;
    assert.equal(opt?.udpPayloadSize, 1232);
    const plain = await t.ask('o.test');
    assert.equal((plain.packet.additionals ?? []).length, 0);
  });

  it('rotates multi-record answers on each hit, unless no-rotate', async () => {
    const addrs = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
    const spec = (q: Query) => ({ answers: addrs.map((a) => rr.a(q.name, a, 300)) });
    const t = setup({}, spec);
    await t.ask('r.test');
    const firsts = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const data = (await t.ask('r.test')).packet.answers!.map((a) => (a as { data: string }).data);
      assert.deepEqual([...data].sort(), addrs);
      firsts.add(data[0]!);
    }
    assert.equal(firsts.size, 3);
    const fixed = setup({ rotate: false }, spec);
    await fixed.ask('r.test');
    for (let i = 0; i < 4; i++) {
      assert.deepEqual((await fixed.ask('r.test')).packet.answers!.map((a) => (a as { data: string }).data), addrs);
    }
  });

  it('answers RRsets longer than a rotation run can describe (255) whole, in upstream order', async () => {
    for (const n of [255, 256, 300]) {
      const addrs = Array.from({ length: n }, (_, i) => `10.${n & 255}.${i >> 8}.${i & 255}`);
      const t = setup({}, (q) => ({ answers: addrs.map((a) => rr.a(q.name, a, 300)) }));
      await t.ask('big.test');
      for (let i = 0; i < 3; i++) {
        const data = (await t.ask('big.test')).packet.answers!.map((a) => (a as { data: string }).data);
        assert.deepEqual([...data].sort(), [...addrs].sort(), `${n} records, hit ${i}`);
        if (n > 255) assert.deepEqual(data, addrs, 'too long to rotate: kept in order');
      }
    }
  });

  it('rotates SRV records whose targets the additional section points into', async () => {
    const t = setup({}, (q) => ({
      answers: [rr.srv(q.name, 'a.node.consul', 8080, 60), rr.srv(q.name, 'b.node.consul', 8081, 60)],
      additionals: [rr.a('a.node.consul', '10.0.0.1', 60), rr.a('b.node.consul', '10.0.0.2', 60)],
    }));
    await t.ask('_web._tcp.service.consul', { type: 'SRV' });
    const targets = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const p = (await t.ask('_web._tcp.service.consul', { type: 'SRV' })).packet;
      targets.add((p.answers![0] as { data: { target: string } }).data.target);
      const extra = (p.additionals ?? []).map((a) => `${a.name}=${(a as { data: string }).data}`).sort();
      assert.deepEqual(extra, ['a.node.consul=10.0.0.1', 'b.node.consul=10.0.0.2']);
    }
    assert.equal(targets.size, 2);
  });

  it('serves a stale answer with TTL 30 when the refresh fails, then refreshes', async () => {
    const t = setup(
      { stale: { maxSec: 3600, clientTimeoutMs: 1000, ttl: 30 } },
      (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)] }),
    );
    await t.ask('s.test');
    t.clock.advance(120);
    t.setUpstream(() => 'fail');
    const stale = await t.ask('s.test');
    assert.equal(stale.reply.source, 'stale');
    assert.deepEqual(ttls(stale.packet), [30]);
    t.setUpstream((q) => ({ answers: [rr.a(q.name, '10.0.0.9', 60)] }));
    const fresh = await t.ask('s.test');
    assert.equal(fresh.reply.source, 'upstream');
    assert.equal((await t.ask('s.test')).reply.source, 'cache');
    t.clock.advance(60 + 3600);
    t.setUpstream(() => 'fail');
    assert.equal((await t.ask('s.test')).reply.source, 'error', 'stale data past the window is dropped');
  });

  it('with use-stale-cache, keeps TTL 0 answers for stale service', async () => {
    const t = setup({ stale: { maxSec: 0, clientTimeoutMs: 1000, ttl: 30 } }, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 0)] }));
    await t.ask('zero.test');
    t.setUpstream(() => 'fail');
    assert.equal((await t.ask('zero.test')).reply.source, 'stale');
  });
});

describe('cache stage: serve-stale per domain', () => {
  const STALE = (maxSec: number, clientTimeoutMs = 1000): StaleOptions => ({ maxSec, clientTimeoutMs, ttl: 30 });
  const answer = (ttl: number) => (q: Query) => ({ answers: [rr.a(q.name, '10.0.0.1', ttl)] });

  it('no-stale-cache for a domain: its expired entries answer nothing and are dropped; other names are served stale', async () => {
    const domains = new SuffixMap([under('live.test', BASE.ttl, null)]);
    const t = setup({ stale: STALE(3600), domains }, answer(60));
    await t.ask('a.live.test');
    await t.ask('b.test');
    t.clock.advance(120);
    t.setUpstream(() => 'fail');
    assert.equal((await t.ask('a.live.test')).reply.source, 'error');
    assert.equal(t.store.size, 1, 'the expired entry of the domain is gone, the other stays');
    assert.equal((await t.ask('b.test')).reply.source, 'stale');
  });

  it('use-stale-cache for a domain only: its names are served stale within its window, others never', async () => {
    const domains = new SuffixMap([under('service.consul', BASE.ttl, STALE(600))]);
    const t = setup({ domains }, answer(60));
    await t.ask('web.service.consul');
    await t.ask('b.test');
    t.clock.advance(60 + 599);
    t.setUpstream(() => 'fail');
    const stale = await t.ask('web.service.consul');
    assert.equal(stale.reply.source, 'stale');
    assert.deepEqual(ttls(stale.packet), [30]);
    assert.equal((await t.ask('b.test')).reply.source, 'error');
    t.clock.advance(1);
    assert.equal((await t.ask('web.service.consul')).reply.source, 'error', 'past the domain\'s window');
    assert.equal(t.store.size, 0);
  });

  it('a domain\'s window wins over the global one both ways, and 0 there is no limit', async () => {
    const domains = new SuffixMap([under('short.test', BASE.ttl, STALE(10)), under('forever.test', BASE.ttl, STALE(0))]);
    const t = setup({ stale: STALE(100), domains }, answer(1));
    for (const n of ['a.short.test', 'a.forever.test', 'a.test']) await t.ask(n);
    t.clock.advance(1 + 50);
    t.setUpstream(() => 'fail');
    assert.equal((await t.ask('a.short.test')).reply.source, 'error');
    assert.equal((await t.ask('a.test')).reply.source, 'stale');
    t.clock.advance(1_000_000);
    assert.equal((await t.ask('a.test')).reply.source, 'error');
    assert.equal((await t.ask('a.forever.test')).reply.source, 'stale');
  });

  it('keeps TTL 0 answers only where they may be served stale', async () => {
    const domains = new SuffixMap([under('off.test', BASE.ttl, null), under('on.lan', BASE.ttl, STALE(60))]);
    const withGlobal = setup({ stale: STALE(60), domains }, answer(0));
    await withGlobal.ask('x.off.test');
    await withGlobal.ask('x.test');
    assert.equal(withGlobal.store.size, 1, 'x.test only');
    const domainOnly = setup({ domains }, answer(0));
    await domainOnly.ask('x.on.lan');
    await domainOnly.ask('x.test');
    assert.equal(domainOnly.store.size, 1, 'x.on.lan only');
    domainOnly.setUpstream(() => 'fail');
    assert.equal((await domainOnly.ask('x.on.lan')).reply.source, 'stale');
  });

  it('a domain\'s stale-client-timeout decides how long its clients wait for the refresh', async () => {
    const domains = new SuffixMap([under('slow.test', BASE.ttl, STALE(600, 5))]);
    const t = setup({ stale: STALE(600, 30_000), domains }, answer(1));
    await t.ask('a.slow.test');
    await t.ask('a.test');
    t.clock.advance(5);
    // Refreshes answer after 300 ms: past the domain's 5 ms, well within the global 30 s.
    t.setUpstream((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 60)] }));
    t.setDelay(300);
    const [domain, other] = await Promise.all([t.ask('a.slow.test'), t.ask('a.test')]);
    assert.equal(domain.reply.source, 'stale');
    assert.equal(other.reply.source, 'upstream');
  });

  it('counts stale answers by rule: the more specific of the server= rule and the settings\' domain, "." for neither', async () => {
    const domains = new SuffixMap([under('service.consul', BASE.ttl, STALE(600))]);
    const ruleOf = (q: Query) => (q.name.endsWith('consul') ? 'consul' : q.name.endsWith('.lan') ? 'lan' : '');
    const t = setup({ stale: STALE(600), domains, ruleOf }, answer(1));
    const names = ['a.service.consul', 'b.service.consul', 'node.consul', 'x.lan', 'x.test'];
    for (const n of names) await t.ask(n);
    t.clock.advance(2);
    t.setUpstream(() => 'fail');
    for (const n of names) assert.equal((await t.ask(n)).reply.source, 'stale');
    assert.deepEqual({ ...t.cache.counters.staleByRule }, { 'service.consul': 2, consul: 1, lan: 1, '.': 1 });
    assert.equal(t.cache.counters.staleServed, 5);
  });
});

describe('cache stage: replies it passes on but does not store', () => {
  it('does not store a reply with a name that points where no label starts (its bytes would change on a hit)', async () => {
    const Q = labels('www', 'example', 'com');
    // The second owner points at the first record's TTL, whose leading zero byte reads as the root name.
    const ttlAt = 12 + Q.length + 4 + 2 + 4;
    const loose = bytes(header({ flags2: 0x81, flags3: 0x80, an: 2 }), question(Q), record(pointer(12), 1, 300, [1, 2, 3, 4]), record(pointer(ttlAt), 1, 300, [5, 6, 7, 8]));
    const t = setup({}, () => ({}), () => new Reply(Buffer.from(loose), 'upstream', true, -1, -1, null));
    const first = await t.ask('www.example.com');
    assert.deepEqual((first.packet.answers ?? []).map((a) => a.name), ['www.example.com', '.'], 'passed on as the upstream sent it');
    await t.ask('www.example.com');
    assert.equal(t.calls(), 2, 'asked upstream again');
  });

  it('stores a reply whose names point into RDATA it does not otherwise read, as miekg/dns writes them', async () => {
    // HTTPS for www.example.com with TargetName svc.example.net, and an A record for that target
    // whose owner points into the HTTPS RDATA (CoreDNS and Consul compress against such names).
    const Q = labels('www', 'example', 'com');
    const httpsAt = 12 + Q.length + 4;
    const wire = bytes(header({ flags2: 0x81, flags3: 0x80, an: 1, ar: 1 }), question(Q, 65),
      record(pointer(12), 65, 300, [0, 1, ...labels('svc', 'example', 'net'), 0, 1, 0, 3, 2, 0x68, 0x32]),
      record(pointer(httpsAt + 12 + 2), 1, 300, [192, 0, 2, 7]));
    const t = setup({}, () => ({}), () => new Reply(Buffer.from(wire), 'upstream', true, -1, -1, null));
    await t.ask('www.example.com', { type: 'HTTPS' });
    const hit = await t.ask('www.example.com', { type: 'HTTPS' });
    assert.equal(t.calls(), 1, 'answered from the cache');
    assert.equal(hit.reply.source, 'cache');
  });
});

describe('cache stage: alias answers (cname= CNAMEs in front of the target\'s records)', () => {
  /** An answer as the cname stage hands it on: `hops` alias CNAMEs first, the target's source. */
  const asAlias = (source: ReplySource, hops: number) => (r: Reply) => new Reply(r.wire, source, true, -1, -1, null, r.layout, false, hops);
  const web = (ttl: number) => (q: Query) => ({ answers: [rr.cname(q.name, 'web.service.consul', ttl), rr.a('web.service.consul', '10.1.0.1', 30)] });

  it('stores the whole answer: the CNAME keeps its TTL (0 included), the target\'s records count down and decide expiry', async () => {
    for (const cnameTtl of [0, 5]) {
      const t = setup({}, web(cnameTtl), asAlias('cache', 1));
      await t.ask('web.example.com');
      t.clock.advance(20);
      const hit = await t.ask('WEB.example.com');
      assert.equal(t.calls(), 1, 'answered from the cache');
      assert.equal(hit.reply.source, 'cache');
      assert.deepEqual(ttls(hit.packet), [cnameTtl, 10]);
      assert.deepEqual(answerTypes(hit.packet), ['CNAME', 'A']);
      t.clock.advance(10);
      await t.ask('web.example.com');
      assert.equal(t.calls(), 2, 'expired with the target\'s A record');
    }
  });

  it('keeps every alias CNAME of a chain as configured', async () => {
    const spec = (q: Query) => ({
      answers: [rr.cname(q.name, 'web.example.com', 120), rr.cname('web.example.com', 'web.service.consul', 0), rr.a('web.service.consul', '10.1.0.1', 30)],
    });
    const t = setup({}, spec, asAlias('upstream', 2));
    await t.ask('www.example.com');
    t.clock.advance(5);
    assert.deepEqual(ttls((await t.ask('www.example.com')).packet), [120, 0, 25]);
    assert.equal(t.calls(), 1);
  });

  it('caches NXDOMAIN and NODATA behind an alias by the SOA, as without one (RFC 2308 §5)', async () => {
    for (const rcode of ['NXDOMAIN', 'NOERROR'] as const) {
      const t = setup({}, (q) => ({ rcode, answers: [rr.cname(q.name, 'gone.service.consul', 0)], authorities: [rr.soa('consul', 60, 300)] }), asAlias('upstream', 1));
      await t.ask('gone.example.com');
      t.clock.advance(10);
      const hit = await t.ask('gone.example.com');
      assert.equal(t.calls(), 1, rcode);
      assert.equal(hit.reply.rcode, rcode === 'NXDOMAIN' ? 3 : 0);
      assert.equal((hit.packet.authorities?.[0] as { ttl: number }).ttl, 50);
      t.clock.advance(50);
      await t.ask('gone.example.com');
      assert.equal(t.calls(), 2, `${rcode} expired with the SOA`);
    }
  });

  it('caps the alias CNAME with max-ttl too', async () => {
    const t = setup({ clientMaxTtl: 3 }, web(5), asAlias('cache', 1));
    assert.deepEqual(ttls((await t.ask('web.example.com')).packet), [3, 3]);
    assert.deepEqual(ttls((await t.ask('web.example.com')).packet), [3, 3]);
    assert.equal(t.calls(), 1);
  });

  it('does not store alias answers whose target was local, stale or blocked, nor a hit again, nor one with nothing but CNAMEs', async () => {
    // The last two claim as many alias CNAMEs as there are answers, and more: nothing is left to time the entry.
    for (const as of [asAlias('local', 1), asAlias('stale', 1), asAlias('blocked', 1), asAlias('cache', 0), asAlias('upstream', 2), asAlias('upstream', 3)]) {
      const t = setup({}, web(5), as);
      await t.ask('web.example.com');
      await t.ask('web.example.com');
      assert.equal(t.calls(), 2);
    }
  });

  it('once retired (a reload replaced its runtime), stores no more answers but still answers from the store', async () => {
    const t = setup({}, (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    await t.ask('kept.test');
    t.cache.retire();
    assert.equal((await t.ask('kept.test')).reply.source, 'cache');
    assert.equal((await t.ask('late.test')).reply.source, 'upstream');
    assert.equal((await t.ask('late.test')).reply.source, 'upstream');
    assert.equal(t.calls(), 3);
    assert.equal(t.store.size, 1);
  });
});
