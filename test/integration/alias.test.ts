/**
 * cname= aliases whose targets only an upstream knows (the Consul case dnsmasq cannot serve):
 * CNAME + target records for A and SRV, CNAME-only for type CNAME, NXDOMAIN with the CNAME
 * (RFC 6604), alias chains, caching of the target, all-servers arbitration for the target, and
 * targets answered by local rules.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { answerData } from '../helpers/dns-client.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** A fake Consul: A and SRV for web.service.consul, NXDOMAIN otherwise. */
function consulScript(ip: string) {
  return (q: { name: string; type: string }) => {
    const n = q.name.toLowerCase();
    if (n === 'web.service.consul' && q.type === 'A') return { answers: [rr.a(q.name, ip, 0)] };
    if (n === '_web._tcp.service.consul' && q.type === 'SRV') {
      return { answers: [rr.srv(q.name, 'node1.node.dc1.consul', 8080, 0)], additionals: [rr.a('node1.node.dc1.consul', ip, 0)] };
    }
    if (n === 'cached.service.consul') return { answers: [rr.a(q.name, ip, 300)] };
    return { rcode: 'NXDOMAIN' as const, authorities: [rr.soa('consul', 0, 0)] };
  };
}

describe('cname= to an upstream-only target', () => {
  let consul: FakeUpstream[];
  let proxy: TestProxy;
  before(async () => {
    consul = [await FakeUpstream.start(consulScript('10.1.0.1')), await FakeUpstream.start(() => ({ drop: true })), await FakeUpstream.start(consulScript('10.1.0.1'))];
    proxy = await startProxy([
      'all-servers',
      'upstream-timeout=300',
      ...consul.map((c) => `server=/service.consul/${c.spec}`),
      'cname=web.example.com,web.service.consul',
      'cname=srv.example.com,_web._tcp.service.consul',
      'cname=gone.example.com,gone.service.consul',
      'cname=www.example.com,web.example.com,120',
      'cname=c.example.com,cached.service.consul',
      'cname=d.example.com,cached.service.consul',
      'cname=blocked.example.com,x.blocked.test',
      'address=/blocked.test/192.0.2.99',
      'local-ttl=5',
    ].join('\n'));
  });
  after(async () => {
    await proxy.stop();
    await Promise.all(consul.map((c) => c.close()));
  });

  it('answers A with the CNAME and the target records from the Consul servers', async () => {
    const r = await proxy.query('web.example.com');
    assert.equal(r.rcode, 'NOERROR');
    const ans = r.packet.answers ?? [];
    assert.equal(ans[0]?.type, 'CNAME');
    assert.equal(ans[0]?.name, 'web.example.com');
    assert.equal((ans[0] as { data: string }).data, 'web.service.consul');
    assert.equal((ans[0] as { ttl: number }).ttl, 5, 'CNAME TTL is local-ttl');
    assert.deepEqual(ans.slice(1).map((a) => `${a.name} ${a.type} ${(a as { data: string }).data}`), ['web.service.consul A 10.1.0.1']);
    assert.ok(!r.aa, 'not authoritative: the target came from upstream');
  });

  it('answers SRV with the CNAME, the SRV record and its additional records', async () => {
    const r = await proxy.query('srv.example.com', { type: 'SRV' });
    const ans = r.packet.answers ?? [];
    assert.deepEqual(ans.map((a) => a.type), ['CNAME', 'SRV']);
    assert.equal((ans[1] as { data: { target: string; port: number } }).data.target, 'node1.node.dc1.consul');
    assert.deepEqual((r.packet.additionals ?? []).map((a) => `${a.name} ${(a as { data: string }).data}`), ['node1.node.dc1.consul 10.1.0.1']);
  });

  it('answers type CNAME with the CNAME alone and asks nobody', async () => {
    const before = consul[0]!.queries.length;
    const r = await proxy.query('web.example.com', { type: 'CNAME' });
    assert.deepEqual((r.packet.answers ?? []).map((a) => a.type), ['CNAME']);
    assert.ok(r.aa);
    assert.equal(consul[0]!.queries.length, before);
  });

  it('returns NXDOMAIN with the CNAME when the target does not exist (RFC 6604)', async () => {
    const r = await proxy.query('gone.example.com');
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.deepEqual((r.packet.answers ?? []).map((a) => a.type), ['CNAME']);
  });

  it('follows an alias to an alias, each CNAME with its own TTL', async () => {
    const r = await proxy.query('WWW.example.com');
    assert.equal(r.packet.questions?.[0]?.name, 'WWW.example.com');
    const ans = r.packet.answers ?? [];
    assert.deepEqual(ans.map((a) => `${a.type} ${(a as { data: string }).data}`), ['CNAME web.example.com', 'CNAME web.service.consul', 'A 10.1.0.1']);
    assert.equal((ans[0] as { ttl: number }).ttl, 120);
  });

  it('caches the target answer, so repeated alias queries stay local', async () => {
    await proxy.query('c.example.com');
    const n = consul[0]!.count('cached.service.consul');
    for (let i = 0; i < 3; i++) assert.deepEqual(answerData((await proxy.query('c.example.com')).packet), ['cached.service.consul', '10.1.0.1']);
    assert.equal(consul[0]!.count('cached.service.consul'), n);
  });

  it('stores the whole alias answer, so a repeated alias query is one cache hit, the CNAME keeping its TTL', async () => {
    await proxy.query('c.example.com'); // the target is cached now
    const { cache, store } = proxy.server.runtime;
    const [hits, misses, stored] = [cache.counters.hits, cache.counters.misses, store.counters.insertions];
    const first = await proxy.query('d.example.com');
    assert.equal(store.counters.insertions - stored, 1, 'the alias answer is stored under the alias');
    const again = await proxy.query('d.example.com');
    assert.equal(cache.counters.hits - hits, 2, 'the target for the first, the alias for the second');
    assert.equal(cache.counters.misses - misses, 1, 'the alias, once');
    assert.deepEqual(answerData(again.packet), answerData(first.packet));
    assert.equal((again.packet.answers?.[0] as { ttl: number }).ttl, 5, 'local-ttl, not counted down');
    assert.ok(!again.aa);
    const chained = await proxy.query('www.example.com');
    assert.deepEqual((chained.packet.answers ?? []).map((a) => a.type), ['CNAME', 'CNAME', 'A']);
  });

  it('resolves a target that a local address= rule answers, authoritatively', async () => {
    const r = await proxy.query('blocked.example.com');
    assert.deepEqual(answerData(r.packet), ['x.blocked.test', '192.0.2.99']);
    assert.ok(r.aa);
  });

  it('answers over TCP too', async () => {
    const r = await proxy.query('web.example.com', { tcp: true });
    assert.deepEqual(answerData(r.packet), ['web.service.consul', '10.1.0.1']);
  });
});

describe('alias chain limits', () => {
  it('answers SERVFAIL beyond the depth limit instead of hanging', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    const chain = Array.from({ length: 12 }, (_, i) => `cname=a${i}.test,a${i + 1}.test`).join('\n');
    const proxy = await startProxy(`server=${up.spec}\n${chain}`);
    try {
      assert.equal((await proxy.query('a0.test')).rcode, 'SERVFAIL');
      const short = await proxy.query('a5.test');
      assert.equal(short.rcode, 'NOERROR');
      assert.equal(short.packet.answers?.length, 8);
      // a5's answer is cached now; a chain through it is still judged whole.
      assert.equal((await proxy.query('a0.test')).rcode, 'SERVFAIL');
      assert.equal((await proxy.query('a2.test')).packet.answers?.length, 11, 'ten aliases is the limit');
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});
