/**
 * interface-name, dynamic-host and localise-queries on the wire, on the loopback interface
 * (127.0.0.1/8 and, when the host has it, ::1): A/AAAA from `lo`'s addresses with local-ttl, a
 * dynamic-host's with TTL 0, PTRs back, "an empty record" (NODATA) for an interface that does
 * not exist and for other types, never asked upstream; an upstream NXDOMAIN for a parent of
 * such a name becomes NODATA. localise-queries answers a hosts name with the address in
 * 127.0.0.0/8 to a query sent to 127.0.0.1, and every address to one sent to 127.0.0.2 (no
 * interface holds it, so its subnet is unknown). Address changes at runtime: integration
 * interface-name-netns.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { answerData, buildQuery, hasV6Loopback, toReply, udpExchange } from '../helpers/dns-client.js';
import { TempTree } from '../helpers/config.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('interface-name and dynamic-host on lo', () => {
  let upstream: FakeUpstream;
  let proxy: TestProxy;
  let v6 = false;
  before(async () => {
    v6 = await hasV6Loopback();
    upstream = await FakeUpstream.start(() => ({ rcode: 'NXDOMAIN' }));
    proxy = await startProxy([
      `server=${upstream.spec}`,
      'local-ttl=30',
      'interface-name=lo.test,lo',
      'interface-name=lo4.test,lo/4',
      'interface-name=second.test,lo',
      'interface-name=gone.test,nosuch0',
      'dynamic-host=dyn.test,0.0.0.9,lo',
    ].join('\n'));
  });
  after(async () => {
    await proxy.stop();
    await upstream.close();
  });

  const q = (name: string, type = 'A') => proxy.query(name, { type });
  const ttls = (r: Awaited<ReturnType<typeof q>>) => (r.packet.answers ?? []).map((a) => (a as { ttl?: number }).ttl);

  it('answers the interface\'s addresses, authoritatively, with local-ttl', async () => {
    const r = await q('lo.test');
    assert.deepEqual([r.rcode, r.aa, answerData(r.packet), ttls(r)], ['NOERROR', true, ['127.0.0.1'], [30]]);
    const r6 = await q('LO.Test', 'AAAA');
    assert.deepEqual([r6.rcode, r6.aa, answerData(r6.packet)], ['NOERROR', true, v6 ? ['::1'] : []]);
    assert.equal(r6.packet.questions?.[0]?.name, 'LO.Test');
  });

  it('/4 keeps IPv4 addresses only: AAAA is NODATA', async () => {
    assert.deepEqual(answerData((await q('lo4.test')).packet), ['127.0.0.1']);
    const r = await q('lo4.test', 'AAAA');
    assert.deepEqual([r.rcode, r.aa, r.packet.answers?.length], ['NOERROR', true, 0]);
  });

  it('PTR of the address names the first line that holds it', async () => {
    const r = await q('1.0.0.127.in-addr.arpa', 'PTR');
    assert.deepEqual([r.rcode, r.aa, answerData(r.packet), ttls(r)], ['NOERROR', true, ['lo.test'], [30]]);
  });

  it('dynamic-host: the interface\'s network with the given host part, TTL 0, and its PTR', async () => {
    const r = await q('dyn.test');
    assert.deepEqual([r.rcode, r.aa, answerData(r.packet), ttls(r)], ['NOERROR', true, ['127.0.0.9'], [0]]);
    const p = await q('9.0.0.127.in-addr.arpa', 'PTR');
    assert.deepEqual([answerData(p.packet), ttls(p)], [['dyn.test'], [0]]);
  });

  it('an interface that does not exist, and other types, get NODATA with AA, not a forward', async () => {
    const before = upstream.queries.length;
    for (const [name, type] of [['gone.test', 'A'], ['gone.test', 'AAAA'], ['lo.test', 'MX'], ['dyn.test', 'TXT']] as const) {
      const r = await q(name, type);
      assert.deepEqual([name, type, r.rcode, r.aa, r.packet.answers?.length], [name, type, 'NOERROR', true, 0]);
    }
    assert.equal(upstream.queries.length, before);
  });

  it('a parent of these names is locally known: an upstream NXDOMAIN for it becomes NODATA', async () => {
    assert.equal((await q('test', 'SOA')).rcode, 'NOERROR');
    assert.equal((await q('other.test')).rcode, 'NXDOMAIN');
  });
});

describe('localise-queries on lo', () => {
  let tree: TempTree;
  let proxy: TestProxy;
  let plain: TestProxy;
  before(async () => {
    tree = new TempTree();
    const hosts = tree.write('hosts', '127.0.0.5 multi.test\n192.0.2.5 multi.test\n198.51.100.5 multi.test\n');
    const conf = `addn-hosts=${hosts}\ninterface-name=lo.test,lo/4\ndynamic-host=dyn.test,0.0.0.9,lo\n`;
    proxy = await startProxy(`${conf}listen-address=127.0.0.2\nlocalise-queries\n`);
    plain = await startProxy(conf);
  });
  after(async () => {
    await proxy.stop();
    await plain.stop();
    tree.remove();
  });

  /** The answer to `name` sent to `host` (each listen address has a port of its own with port=0). */
  const ask = async (p: TestProxy, host: string, name: string, type = 'A') => {
    const port = p.server.endpoints.find((e) => e.address === host)!.port;
    return answerData(toReply(await udpExchange(buildQuery(name, { type }), port, 3000, host)).packet).sort();
  };

  it('a query sent to 127.0.0.1 gets the address in 127.0.0.0/8 only', async () => {
    assert.deepEqual(await ask(proxy, '127.0.0.1', 'multi.test'), ['127.0.0.5']);
  });

  it('a query sent to an address no interface holds gets every address', async () => {
    assert.deepEqual(await ask(proxy, '127.0.0.2', 'multi.test'), ['127.0.0.5', '192.0.2.5', '198.51.100.5']);
  });

  it('without the option every address is answered', async () => {
    assert.deepEqual(await ask(plain, '127.0.0.1', 'multi.test'), ['127.0.0.5', '192.0.2.5', '198.51.100.5']);
  });

  it('names with one address are unchanged', async () => {
    assert.deepEqual(await ask(proxy, '127.0.0.1', 'lo.test'), ['127.0.0.1']);
    assert.deepEqual(await ask(proxy, '127.0.0.1', 'dyn.test'), ['127.0.0.9']);
  });
});
