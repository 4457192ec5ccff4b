/**
 * GET /explain on metrics-address, as an operator asks it: an alias to a Consul name (the chain,
 * the rule and its servers, which server answered and the records), a cache hit the second time,
 * a domain's cache settings, address= and local-only rules, a dead server, resolve=0 (nothing
 * sent), and bad requests (400, never a crash).
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface Explained {
  question: { name: string; type: string };
  aliases: string[] | null;
  route: { name: string; kind: string; domain: string; policy?: string; servers?: { server: string; up: boolean }[]; addresses?: string[] };
  cachePolicy: { domain: string | null; minTtl: number; staleMaxSec: number | null; staleClientTimeoutMs: number };
  cache: { state: string; secondsLeft?: number };
  answer?: { source: string; upstream: string | null; rcode: string; answers: { name: string; type: string; data: unknown }[] };
  sent?: { server: string; queries: number }[];
  cacheAfter?: { state: string };
}

describe('GET /explain', () => {
  let consul: FakeUpstream;
  let recursive: FakeUpstream;
  let proxy: TestProxy;
  let base: string;
  const ask = async (query: string): Promise<Explained> => {
    const res = await fetch(`${base}/explain?${query}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Explained;
  };
  before(async () => {
    consul = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.5', 0)] }));
    recursive = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.1', 300)] }));
    proxy = await startProxy([
      `server=${recursive.spec}`,
      `server=/service.consul/${consul.spec}`,
      'server=/dead.test/127.0.0.1#9',
      'min-cache-ttl=/service.consul/30',
      'use-stale-cache=/service.consul/600',
      'stale-client-timeout=/service.consul/200',
      'cname=web.example.com,web.service.consul',
      'address=/ads.test/0.0.0.0',
      'local=/lan/',
      'upstream-timeout=200',
      'query-timeout=600',
      'metrics-address=127.0.0.1:0',
    ].join('\n'));
    base = `http://${proxy.server.metricsEndpoint}`;
  });
  after(async () => {
    await proxy.stop();
    await consul.close();
    await recursive.close();
  });

  it('follows an alias to the rule and server that answer it, then finds it in the cache', async () => {
    const first = await ask('name=Web.Example.com.&type=a');
    assert.deepEqual(first.question, { name: 'web.example.com', type: 'A', class: 'IN' });
    assert.deepEqual(first.aliases, ['web.example.com', 'web.service.consul']);
    assert.equal(first.route.name, 'web.service.consul');
    assert.equal(first.route.kind, 'forward');
    assert.equal(first.route.domain, 'service.consul');
    assert.deepEqual(first.route.servers?.map((s) => s.server), [consul.spec]);
    assert.equal(first.cache.state, 'absent');
    assert.equal(first.answer?.source, 'upstream');
    assert.equal(first.answer?.upstream, consul.spec);
    assert.deepEqual(first.answer?.answers.map((a) => [a.type, a.data]), [['CNAME', 'web.service.consul'], ['A', '10.0.0.5']]);
    assert.deepEqual(first.sent, [{ server: consul.spec, queries: 1, answers: 1, failures: 0 }]);
    const target = await ask('name=web.service.consul');
    assert.equal(target.cachePolicy.domain, 'service.consul');
    assert.equal(target.cachePolicy.minTtl, 30);
    assert.deepEqual([target.cachePolicy.staleMaxSec, target.cachePolicy.staleClientTimeoutMs], [600, 200]);
    assert.equal(target.cache.state, 'fresh');
    assert.ok(target.cache.secondsLeft! > 0 && target.cache.secondsLeft! <= 30);
    assert.equal(target.answer?.source, 'cache');
    assert.deepEqual(target.sent, []);
  });

  it('names address= and local-only rules, and the default servers', async () => {
    const ads = await ask('name=x.ads.test');
    assert.deepEqual([ads.route.kind, ads.route.domain, ads.route.addresses], ['address', 'ads.test', ['0.0.0.0']]);
    assert.equal(ads.answer?.source, 'local');
    const lan = await ask('name=printer.lan');
    assert.deepEqual([lan.route.kind, lan.answer?.rcode], ['local', 'NXDOMAIN']);
    const other = await ask('name=example.org&type=AAAA');
    assert.deepEqual([other.route.kind, other.route.domain, other.answer?.upstream], ['forward', '(default servers)', recursive.spec]);
    assert.equal(other.cachePolicy.domain, null);
    assert.deepEqual([other.cachePolicy.staleMaxSec, other.cachePolicy.staleClientTimeoutMs], [null, 1800], 'no use-stale-cache for other names');
  });

  it('shows a dead server failing and the SERVFAIL the client gets', async () => {
    const dead = await ask('name=a.dead.test');
    assert.equal(dead.answer?.rcode, 'SERVFAIL');
    assert.equal(dead.answer?.source, 'error');
    assert.equal(dead.sent?.[0]?.server, '127.0.0.1#9');
    assert.equal(dead.cacheAfter?.state, 'absent');
  });

  it('with resolve=0 looks without asking anyone', async () => {
    const before = recursive.count('quiet.test');
    const r = await ask('name=quiet.test&resolve=0');
    assert.equal(r.route.kind, 'forward');
    assert.equal(r.answer, undefined);
    assert.equal(recursive.count('quiet.test'), before);
  });

  it('answers 400 to a bad question, and keeps serving', async () => {
    for (const q of ['', 'name=', `name=${'a'.repeat(64)}.test`, 'name=x.test&type=NOPE', 'name=x.test&type=OPT', 'name=x.test&resolve=yes']) {
      const res = await fetch(`${base}/explain?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(await res.text(), /name|type|resolve|domain/);
    }
    assert.equal((await proxy.query('web.example.com')).rcode, 'NOERROR');
  });
});
