/**
 * filter-AAAA and filter-rr on a running proxy: a filtered question is answered NODATA (EDE 17
 * for EDNS clients, over UDP and TCP) and never reaches the upstream, local data and cname=
 * aliases keep their own records, ANY answers are trimmed on the miss and on the cache hit alike,
 * and hits.bind counts the NODATA answers.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { optOf, type Reply } from '../helpers/dns-client.js';

const edes = (r: Reply): number[] => (optOf(r.packet)?.options ?? []).filter((o) => o.code === 15).map((o) => o.data.readUInt16BE(0));
const types = (r: Reply): string[] => (r.packet.answers ?? []).map((a) => a.type);

describe('filter-AAAA and filter-rr', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    up = await FakeUpstream.start((q) => ({
      answers: q.name === 'gone.test' ? [] : [
        rr.a(q.name, '192.0.2.1'), rr.aaaa(q.name, '2001:db8::1'), rr.txt(q.name, 'hello'),
        { type: 'HINFO', name: q.name, ttl: 300, class: 'IN', data: { cpu: 'c', os: 'o' } } as dnsPacket.Answer,
      ].filter((a) => q.type === 'ANY' || a.type === q.type),
      rcode: q.name === 'gone.test' ? 'NXDOMAIN' : 'NOERROR',
    }));
    proxy = await startProxy([
      `server=${up.spec}`, 'filter-AAAA', 'filter-rr=TXT', 'cache-size=100',
      'host-record=printer.lan,10.0.0.7,2001:db8::7', 'cname=www.test,web.test',
    ].join('\n'));
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  const asked = (name: string) => up.queries.filter((q) => q.name === name).map((q) => q.type);

  it('answers AAAA and TXT questions itself with NODATA, over UDP and TCP, and never forwards them', async () => {
    for (const [type, tcp] of [['AAAA', false], ['TXT', false], ['AAAA', true]] as const) {
      const r = await proxy.query('web.test', { type, tcp, edns: 1232 });
      assert.equal(r.rcode, 'NOERROR', `${type} tcp=${tcp}`);
      assert.equal(r.aa, false);
      assert.deepEqual(types(r), []);
      assert.deepEqual(edes(r), [17]);
    }
    const plain = await proxy.query('web.test', { type: 'AAAA' });
    assert.equal(plain.packet.additionals?.length, 0, 'no OPT for a client without EDNS');
    // A name that does not exist is not asked either (README "Differences from dnsmasq").
    assert.equal((await proxy.query('gone.test', { type: 'AAAA' })).rcode, 'NOERROR');
    assert.deepEqual(asked('web.test'), []);
    assert.deepEqual(asked('gone.test'), []);
    assert.deepEqual(types(await proxy.query('web.test', { type: 'A' })), ['A']);
    assert.deepEqual(asked('web.test'), ['A']);
  });

  it('leaves local data alone, and an alias keeps its CNAME', async () => {
    const local = await proxy.query('printer.lan', { type: 'AAAA' });
    assert.deepEqual([local.rcode, types(local), local.aa], ['NOERROR', ['AAAA'], true]);
    const alias = await proxy.query('www.test', { type: 'AAAA', edns: 1232 });
    // The CNAME and nothing after it (the alias answer carries no EDE: README "type filter").
    assert.deepEqual([alias.rcode, types(alias)], ['NOERROR', ['CNAME']]);
  });

  it('trims ANY answers, from the upstream and from the cache alike', async () => {
    const before = asked('any.test').length;
    const first = await proxy.query('any.test', { type: 'ANY', edns: 1232 });
    const again = await proxy.query('any.test', { type: 'ANY', edns: 1232 });
    assert.equal(asked('any.test').length, before + 1, 'the second one is a cache hit');
    for (const r of [first, again]) {
      assert.deepEqual(types(r), ['A', 'HINFO']);
      assert.deepEqual(edes(r), [17]);
    }
    assert.deepEqual(types(await proxy.query('any.test', { type: 'ANY' })), ['A', 'HINFO']);
  });

  it('counts its NODATA answers in hits.bind (answers made without an upstream)', async () => {
    const hits = async () => Number(((await proxy.query('hits.bind', { qclass: 'CH', type: 'TXT' })).packet.answers![0] as dnsPacket.TxtAnswer).data.toString());
    const h0 = await hits();
    await proxy.query('count.test', { type: 'AAAA' });
    await proxy.query('count.test', { type: 'TXT' });
    assert.equal(await hits(), h0 + 3, 'two NODATA answers and the first hits.bind answer');
  });
});
