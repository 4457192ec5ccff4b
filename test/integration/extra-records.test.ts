/**
 * naptr-record, caa-record and dns-rr served by a real fandns server over the wire: the records
 * of the asked type with AA and local-ttl, every one of them for ANY; another type NODATA at a
 * NAPTR name (never a forward), forwarded at a name only CAA or dns-rr records have (as dnsmasq:
 * they do not make a name local, so a caa-record never hides the name's upstream address); the
 * NAPTR replacement uncompressed; and an answer too large for a TCP frame truncated without harm.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { encodeName } from '../../src/wire/name.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { answerData } from '../helpers/dns-client.js';

const PRIVATE_TYPE = 'UNKNOWN_65280'; // dns-packet's name for TYPE65280

/** An answer record as dns-packet decodes it. */
interface Decoded {
  readonly type: string;
  readonly ttl: number;
  readonly data: unknown;
}

describe('naptr-record, caa-record, dns-rr over the wire', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    up = await FakeUpstream.start((q) => (q.name.endsWith('gone.test') ? { rcode: 'NXDOMAIN' } : { answers: [rr.a(q.name, '192.0.2.80', 60)] }));
    proxy = await startProxy([
      `server=${up.spec}`,
      'local-ttl=45',
      'naptr-record=svc.rr.test,10,20,U,E2U+sip,"!^.*$!sip:info@example.com!"',
      'naptr-record=svc.rr.test,100,50,S,SIP+D2U,,_sip._udp.Example.com',
      'caa-record=svc.rr.test,128,issue,"ca.example; account=1"',
      'dns-rr=svc.rr.test,65280,01:02:0a:ff',
      'dns-rr=svc.rr.test,65280,abc',
      'dns-rr=deep.sub.gone.test,65280,00',
      'caa-record=web.rr.test,0,issue,ca.example',
      'caa-record=nx.gone.test,0,issue,ca.example',
      `dns-rr=big.rr.test,65280,${'ab'.repeat(40000)}`,
      `dns-rr=big.rr.test,65280,${'cd'.repeat(40000)}`,
    ].join('\n'));
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  const answers = async (name: string, type: string) => {
    const r = await proxy.query(name, { type, tcp: true });
    return { r, recs: (r.packet.answers ?? []) as unknown as Decoded[] };
  };

  it('answers NAPTR with both records, AA and local-ttl', async () => {
    const { r, recs } = await answers('svc.rr.test', 'NAPTR');
    assert.equal(r.rcode, 'NOERROR');
    assert.ok(r.aa);
    assert.deepEqual(recs.map((a) => [a.type, a.ttl, a.data]), [
      ['NAPTR', 45, { order: 10, preference: 20, flags: 'U', services: 'E2U+sip', regexp: '!^.*$!sip:info@example.com!', replacement: '.' }],
      ['NAPTR', 45, { order: 100, preference: 50, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.com' }],
    ]);
  });

  it('writes the NAPTR replacement uncompressed (RFC 3403 §4.1)', async () => {
    const { r } = await answers('svc.rr.test', 'NAPTR');
    assert.ok(r.raw.includes(encodeName('_sip._udp.example.com')), 'the whole name is in the RDATA');
  });

  it('answers CAA', async () => {
    const { r, recs } = await answers('SVC.rr.test', 'CAA');
    assert.ok(r.aa);
    assert.deepEqual(recs.map((a) => [a.type, a.ttl, a.data]), [
      ['CAA', 45, { flags: 128, tag: 'issue', value: 'ca.example; account=1', issuerCritical: true }],
    ]);
  });

  it('answers a dns-rr type with its hex data', async () => {
    const { r, recs } = await answers('svc.rr.test', PRIVATE_TYPE);
    assert.ok(r.aa);
    assert.deepEqual(recs.map((a) => [a.type, a.ttl, Buffer.from(a.data as Uint8Array).toString('hex')]), [
      [PRIVATE_TYPE, 45, '01020aff'],
      [PRIVATE_TYPE, 45, 'ab0c'],
    ]);
  });

  it('answers ANY with every record of the name', async () => {
    const { r, recs } = await answers('svc.rr.test', 'ANY');
    assert.ok(r.aa);
    assert.deepEqual(recs.map((a) => a.type).sort(), ['CAA', 'NAPTR', 'NAPTR', PRIVATE_TYPE, PRIVATE_TYPE].sort());
  });

  it('answers another type at the name NODATA with AA, without asking the upstream', async () => {
    const before = up.queries.length;
    for (const type of ['A', 'TXT', 'UNKNOWN_65281']) {
      const { r, recs } = await answers('svc.rr.test', type);
      assert.deepEqual([r.rcode, r.aa, recs.length], ['NOERROR', true, 0], type);
    }
    assert.equal(up.queries.length, before);
  });

  it('forwards another type at a name only CAA or dns-rr records have, as dnsmasq does', async () => {
    const web = await proxy.query('web.rr.test', { type: 'A' });
    assert.deepEqual(answerData(web.packet), ['192.0.2.80'], 'the upstream address, not hidden by the CAA');
    assert.equal(up.count('web.rr.test'), 1);
    assert.equal((await proxy.query('nx.gone.test', { type: 'A' })).rcode, 'NXDOMAIN', 'the upstream NXDOMAIN stays');
    assert.equal((await proxy.query('sub.gone.test', { type: 'A' })).rcode, 'NXDOMAIN', 'nor are their parents local');
    assert.equal((await proxy.query('web.rr.test', { type: 'CAA' })).packet.answers?.length, 1, 'the CAA itself is local');
  });

  it('truncates an answer too large for a TCP frame, and keeps serving', async () => {
    const r = await proxy.query('big.rr.test', { type: PRIVATE_TYPE, tcp: true });
    assert.deepEqual([r.rcode, r.tc, r.packet.answers?.length], ['NOERROR', true, 0]);
    const u = await proxy.query('big.rr.test', { type: PRIVATE_TYPE, edns: 1232 });
    assert.deepEqual([u.tc, u.packet.answers?.length], [true, 0], 'UDP: TC as usual');
    assert.equal((await proxy.query('svc.rr.test', { type: 'CAA', tcp: true })).packet.answers?.length, 1);
  });
});
