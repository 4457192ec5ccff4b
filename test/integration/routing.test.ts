/**
 * Routing on the wire: the longest matching domain rule picks the server group; local-only,
 * use-default, unqualified and wildcard rules; no server at all → REFUSED.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { answerData } from '../helpers/dns-client.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** An upstream that answers every A query with its own tag address. */
function tagged(ip: string) {
  return FakeUpstream.start((q) => ({ answers: [rr.a(q.name, ip, 60)] }));
}

describe('routing by domain rules', () => {
  let def: FakeUpstream, consul: FakeUpstream, deep: FakeUpstream, unq: FakeUpstream, wild: FakeUpstream, sub: FakeUpstream;
  let proxy: TestProxy;

  before(async () => {
    def = await tagged('10.0.0.1');
    consul = await tagged('10.0.0.2');
    deep = await tagged('10.0.0.3');
    unq = await tagged('10.0.0.4');
    wild = await tagged('10.0.0.5');
    sub = await tagged('10.0.0.6');
    proxy = await startProxy(
      [
        `server=${def.spec}`,
        `server=/service.consul/${consul.spec}`,
        `server=/db.service.consul/${deep.spec}`,
        `server=/x.db.service.consul/#`,
        `server=/lan/`,
        `local=/local.test/`,
        `server=//${unq.spec}`,
        `server=/*wild.test/${wild.spec}`,
        `server=/*.sub.test/${sub.spec}`,
        `server=/one.test/two.test/${deep.spec}`,
      ].join('\n'),
    );
  });
  after(async () => {
    await proxy.stop();
    await Promise.all([def, consul, deep, unq, wild, sub].map((u) => u.close()));
  });

  const a = async (name: string) => answerData((await proxy.query(name)).packet);

  it('sends a name with no specific rule to the default servers', async () => {
    assert.deepEqual(await a('www.example.com'), ['10.0.0.1']);
  });
  it('sends a domain and its subdomains to the domain server', async () => {
    assert.deepEqual(await a('service.consul'), ['10.0.0.2']);
    assert.deepEqual(await a('web.service.consul'), ['10.0.0.2']);
  });
  it('prefers the longest matching suffix', async () => {
    assert.deepEqual(await a('db.service.consul'), ['10.0.0.3']);
    assert.deepEqual(await a('a.db.service.consul'), ['10.0.0.3']);
  });
  it('matches case-insensitively and keeps the client case in the reply', async () => {
    const r = await proxy.query('Web.SERVICE.Consul');
    assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
    assert.equal(r.packet.questions?.[0]?.name, 'Web.SERVICE.Consul');
  });
  it('does not match on a partial label', async () => {
    assert.deepEqual(await a('myservice.consul'), ['10.0.0.1']);
  });
  it('server=/d/# sends d to the default servers despite a less specific rule', async () => {
    assert.deepEqual(await a('x.db.service.consul'), ['10.0.0.1']);
    assert.deepEqual(await a('y.x.db.service.consul'), ['10.0.0.1']);
  });
  it('server=/d/ and local=/d/ answer NXDOMAIN locally, never forwarding', async () => {
    const before = def.queries.length;
    for (const n of ['pc.lan', 'lan', 'x.local.test']) {
      const r = await proxy.query(n);
      assert.equal(r.rcode, 'NXDOMAIN', n);
      assert.ok(!r.aa, 'no AA, as dnsmasq 2.90');
    }
    assert.equal(def.queries.length, before);
  });
  it('server=//ip takes names without a dot', async () => {
    assert.deepEqual(await a('myhost'), ['10.0.0.4']);
  });
  it('server=/*d/ matches any name ending in the string', async () => {
    assert.deepEqual(await a('wild.test'), ['10.0.0.5']);
    assert.deepEqual(await a('x.wild.test'), ['10.0.0.5']);
    assert.deepEqual(await a('superwild.test'), ['10.0.0.5']);
  });
  it('server=/*.d/ matches subdomains only', async () => {
    assert.deepEqual(await a('sub.test'), ['10.0.0.1']);
    assert.deepEqual(await a('x.sub.test'), ['10.0.0.6']);
  });
  it('one line can name several domains', async () => {
    assert.deepEqual(await a('one.test'), ['10.0.0.3']);
    assert.deepEqual(await a('a.two.test'), ['10.0.0.3']);
  });
});

describe('no upstream servers', () => {
  it('answers REFUSED when no server covers the name', async () => {
    const up = await tagged('10.9.9.9');
    const proxy = await startProxy(`server=/only.test/${up.spec}`);
    try {
      const r = await proxy.query('other.example');
      assert.equal(r.rcode, 'REFUSED');
      assert.deepEqual(answerData((await proxy.query('a.only.test')).packet), ['10.9.9.9']);
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});
