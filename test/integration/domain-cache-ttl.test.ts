/**
 * Domain-scoped cache settings on the wire, as an operator with Consul uses them: Consul answers
 * with TTL 0, so `min-cache-ttl=/service.consul/N` keeps its answers (and an alias to one) while
 * other names with TTL 0 are asked every time; `no-negcache=/d/` and `max-cache-ttl=/d/0` keep a
 * domain's answers out of the cache. What reaches each upstream is counted.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const ttlsOf = (answers: readonly unknown[] | undefined) => (answers ?? []).map((a) => (a as { ttl: number }).ttl);

describe('domain-scoped cache settings', () => {
  let consul: FakeUpstream;
  let recursive: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    // Consul's way: TTL 0 answers, NXDOMAIN with an SOA whose minimum is 0.
    consul = await FakeUpstream.start((q) =>
      q.name.toLowerCase().startsWith('gone')
        ? { rcode: 'NXDOMAIN', authorities: [rr.soa('consul', 0, 0)] }
        : { answers: [rr.a(q.name, '10.0.0.5', 0)] });
    recursive = await FakeUpstream.start((q) =>
      q.name.toLowerCase().startsWith('nx')
        ? { rcode: 'NXDOMAIN', authorities: [rr.soa('test', 60)] }
        : { answers: [rr.a(q.name, '192.0.2.1', q.name.startsWith('zero') ? 0 : 300)] });
    proxy = await startProxy([
      `server=${recursive.spec}`,
      `server=/service.consul/${consul.spec}`,
      'min-cache-ttl=/service.consul/60',
      'cname=web.example.com,api.service.consul',
      'no-negcache=/nocache.test/',
      'max-cache-ttl=/live.test/0',
    ].join('\n'));
  });
  after(async () => {
    await proxy.stop();
    await consul.close();
    await recursive.close();
  });

  it('keeps TTL-0 answers under the domain for its minimum, and asks again for other names', async () => {
    const first = await proxy.query('web.service.consul');
    assert.deepEqual(ttlsOf(first.packet.answers), [0], 'the forwarded answer keeps the upstream TTL');
    const hit = await proxy.query('WEB.service.consul');
    assert.equal(consul.count('web.service.consul'), 1);
    const [ttl] = ttlsOf(hit.packet.answers);
    assert.ok(ttl! > 0 && ttl! <= 60, `hit TTL ${ttl}`);
    for (let i = 0; i < 3; i++) await proxy.query('zero.test');
    assert.equal(recursive.count('zero.test'), 3);
  });

  it('caches a negative answer under the domain for its minimum too', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await proxy.query('gone.service.consul')).rcode, 'NXDOMAIN');
    assert.equal(consul.count('gone.service.consul'), 1);
  });

  it('caches an alias to a name under the domain once its target is cached', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await proxy.query('web.example.com');
      assert.deepEqual((r.packet.answers ?? []).map((a) => a.type), ['CNAME', 'A']);
    }
    assert.equal(consul.count('api.service.consul'), 1);
  });

  it('no-negcache=/d/ and max-cache-ttl=/d/0 keep that domain out of the cache', async () => {
    for (let i = 0; i < 3; i++) await proxy.query('nx.nocache.test');
    assert.equal(recursive.count('nx.nocache.test'), 3);
    for (let i = 0; i < 3; i++) await proxy.query('nx.other.test');
    assert.equal(recursive.count('nx.other.test'), 1);
    for (let i = 0; i < 3; i++) await proxy.query('a.live.test');
    assert.equal(recursive.count('a.live.test'), 3);
    await proxy.query('nx.live.test');
    await proxy.query('nx.live.test');
    assert.equal(recursive.count('nx.live.test'), 2, 'max-cache-ttl 0 caps negative answers as well');
  });
});
