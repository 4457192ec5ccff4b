/**
 * synth-domain on the wire, through a running server: forward and reverse answers for IPv4 and
 * IPv6 ranges and sequential names, authoritative with local-ttl and never asked upstream; names
 * out of range or not of the synthesised form go to the upstreams like any other; a host-record
 * wins for its name and address; a domain's own server= keeps its other names; other types of a
 * synthesised name get NODATA here; a cname= may point at one; a reload with the line removed
 * stops the answers.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../src/config/load.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { answerData } from '../helpers/dns-client.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';

describe('synth-domain', () => {
  let defaults: FakeUpstream;
  let lan: FakeUpstream;
  let proxy: TestProxy;
  let conf: string;
  before(async () => {
    defaults = await FakeUpstream.start((q) => ({ answers: q.type === 'PTR' ? [{ type: 'PTR', name: q.name, ttl: 300, class: 'IN', data: 'up.example' }] : [rr.a(q.name, '198.18.0.1')] }));
    lan = await FakeUpstream.start((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, '198.18.0.2')] : [] }));
    conf = [
      `server=${defaults.spec}`,
      `server=/test.lan/${lan.spec}`,
      'synth-domain=test.lan,192.168.0.0/24,internal-',
      'synth-domain=test.lan,192.168.1.50,192.168.1.70,dyn-*',
      'synth-domain=v6.lan,2001:db8:1::/64,host-',
      'host-record=printer.test.lan,192.168.0.7',
      'cname=gw.example.com,internal-192-168-0-1.test.lan',
      'local-ttl=42',
    ].join('\n');
    proxy = await startProxy(conf);
  });
  after(async () => {
    await proxy.stop();
    await defaults.close();
    await lan.close();
  });

  const q = (name: string, type = 'A') => proxy.query(name, { type });
  const upstreamQueries = () => defaults.queries.length + lan.queries.length;

  it('answers a synthesised name with its address, authoritatively, with local-ttl', async () => {
    const r = await q('internal-192-168-0-56.test.lan');
    assert.deepEqual([r.rcode, r.aa, answerData(r.packet)], ['NOERROR', true, ['192.168.0.56']]);
    assert.equal((r.packet.answers?.[0] as { ttl: number }).ttl, 42);
    assert.equal(r.packet.answers?.[0]?.name, 'internal-192-168-0-56.test.lan');
  });

  it('reads the name in any letter case and answers in the case asked', async () => {
    const r = await q('Internal-192-168-0-9.TEST.lan');
    assert.deepEqual(answerData(r.packet), ['192.168.0.9']);
    assert.equal(r.packet.answers?.[0]?.name, 'Internal-192-168-0-9.TEST.lan');
  });

  it('answers the reverse name with the synthesised name', async () => {
    const r = await q('56.0.168.192.in-addr.arpa', 'PTR');
    assert.deepEqual([r.rcode, r.aa, answerData(r.packet)], ['NOERROR', true, ['internal-192-168-0-56.test.lan']]);
  });

  it('serves IPv6 names both ways', async () => {
    assert.deepEqual(answerData((await q('host-2001-db8-1--abcd.v6.lan', 'AAAA')).packet), ['2001:db8:1::abcd']);
    const ptr = await q('d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'PTR');
    assert.deepEqual(answerData(ptr.packet), ['host-2001-db8-1--abcd.v6.lan']);
  });

  it('serves sequential names both ways', async () => {
    assert.deepEqual(answerData((await q('dyn-5.test.lan')).packet), ['192.168.1.55']);
    assert.deepEqual(answerData((await q('55.1.168.192.in-addr.arpa', 'PTR')).packet), ['dyn-5.test.lan']);
  });

  it('is a cname= target like any local name', async () => {
    const r = await q('gw.example.com');
    assert.deepEqual(r.packet.answers?.map((a) => a.type), ['CNAME', 'A']);
    assert.deepEqual(answerData(r.packet), ['internal-192-168-0-1.test.lan', '192.168.0.1']);
  });

  it('asked none of that upstream', () => assert.equal(upstreamQueries(), 0));

  it('gives other types of a synthesised name NODATA without asking upstream', async () => {
    for (const type of ['AAAA', 'TXT', 'MX']) {
      const r = await q('internal-192-168-0-56.test.lan', type);
      assert.deepEqual([r.rcode, r.aa, r.packet.answers?.length], ['NOERROR', true, 0], type);
    }
    const any = await q('internal-192-168-0-56.test.lan', 'ANY');
    assert.deepEqual(answerData(any.packet), ['192.168.0.56']);
    assert.equal(upstreamQueries(), 0);
  });

  it('lets a host-record win for its name and its address', async () => {
    assert.deepEqual(answerData((await q('7.0.168.192.in-addr.arpa', 'PTR')).packet), ['printer.test.lan']);
    assert.deepEqual(answerData((await q('printer.test.lan')).packet), ['192.168.0.7']);
  });

  it('sends names that are not synthesised to the domain\'s own server', async () => {
    for (const name of ['other.test.lan', 'internal-192-168-2-1.test.lan', 'dyn-21.test.lan', 'internal-192-168-000-1.test.lan']) {
      assert.deepEqual(answerData((await q(name)).packet), ['198.18.0.2'], name);
      assert.equal(lan.count(name, 'A'), 1, name);
    }
  });

  it('sends reverse names out of range to the default servers', async () => {
    assert.deepEqual(answerData((await q('1.2.168.192.in-addr.arpa', 'PTR')).packet), ['up.example']);
    assert.equal(defaults.count('1.2.168.192.in-addr.arpa', 'PTR'), 1);
  });

  it('counts its answers as local in CHAOS hits.bind', async () => {
    const before = Number(answerData((await proxy.query('hits.bind', { type: 'TXT', qclass: 'CH' })).packet)[0]);
    await q('internal-192-168-0-1.test.lan');
    const after = Number(answerData((await proxy.query('hits.bind', { type: 'TXT', qclass: 'CH' })).packet)[0]);
    assert.equal(after - before, 2, 'the synthesised answer and the first hits.bind answer');
  });

  it('stops answering once a reload removes the line', async () => {
    proxy.server.reload(parseConfigText(TEST_PREAMBLE + conf.replace('synth-domain=test.lan,192.168.0.0/24,internal-', ''), 'test.conf'));
    const r = await q('internal-192-168-0-99.test.lan');
    assert.deepEqual(answerData(r.packet), ['198.18.0.2']);
    assert.equal(lan.count('internal-192-168-0-99.test.lan', 'A'), 1);
  });
});
