/**
 * alias= (DNS doctoring) on the wire, against scripted upstreams: A records of the answer and
 * additional sections are rewritten (CNAME chains, MX glue, NXDOMAIN replies), the authority
 * section and AAAA records are not; the rewritten reply loses AA and AD and keeps its TTLs; the
 * cache keeps the rewritten reply (a repeat is not asked upstream); every coalesced asker, TCP
 * clients and cname= aliases get the rewritten address; stop-dns-rebind and bogus-nxdomain judge
 * the address after the rewrite, as dnsmasq 2.90 does.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData, buildQuery, toReply, udpBurst, type Answer } from '../helpers/dns-client.js';
import { rr, type Script } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';

const DOCTOR = 'alias=1.2.3.0,6.7.8.0,255.255.255.0';

/** The upstream: what it answers depends on the first label. */
const script: Script = (q) => {
  const n = q.name;
  switch (n.split('.')[0]) {
    case 'one': return { aa: true, answers: [rr.a(n, '1.2.3.56', 100)] };
    case 'mixed': return { aa: true, answers: [rr.a(n, '1.2.3.56'), rr.a(n, '1.2.4.9'), rr.aaaa(n, '::ffff:1.2.3.56')] };
    case 'chain': return { answers: [rr.cname(n, 'tgt.x.test'), rr.a('tgt.x.test', '1.2.3.77')] };
    case 'mx': return {
      answers: [{ type: 'MX', name: n, ttl: 100, class: 'IN', data: { preference: 10, exchange: 'mail.x.test' } }],
      authorities: [{ type: 'NS', name: 'x.test', ttl: 100, class: 'IN', data: 'ns.x.test' }, rr.a('ns.x.test', '1.2.3.89')],
      additionals: [rr.a('mail.x.test', '1.2.3.88')],
    };
    case 'nx': return { rcode: 'NXDOMAIN', answers: [rr.cname(n, 'gone.x.test'), rr.a('gone.x.test', '1.2.3.91')], authorities: [rr.soa('x.test')] };
    case 'fail': return { rcode: 'SERVFAIL', answers: [rr.a(n, '1.2.3.92')] };
    case 'signed': return { ad: true, answers: [rr.a(n, '1.2.3.5'), rrsig(n)] };
    case 'slow': return { delayMs: 150, answers: [rr.a(n, '1.2.3.6')] };
    case 'lan': return { answers: [rr.a(n, '192.168.0.20')] };
    default: return { rcode: 'NXDOMAIN' };
  }
};

/** An RRSIG over the A set of `name` (its signature is not checked by anyone here). */
function rrsig(name: string): Answer {
  return { type: 'RRSIG', name, ttl: 300, class: 'IN', data: {
    typeCovered: 'A', algorithm: 13, labels: 2, originalTTL: 300, expiration: 2_000_000_000, inception: 1_600_000_000,
    keyTag: 12345, signersName: 'x.test', signature: Buffer.alloc(64, 7),
  } } as never;
}

/** The data of a section's records as `TYPE data`. */
const section = (rs: Answer[] | undefined) => (rs ?? []).map((r) => `${r.type} ${typeof (r as { data?: unknown }).data === 'string' ? (r as { data: string }).data : '…'}`);

describe('alias= (DNS doctoring)', () => {
  it('rewrites matching A records of the answer, clears AA, keeps TTLs, AAAA and other addresses', () =>
    withUpstreams([script], DOCTOR, async ({ proxy }) => {
      const one = await proxy.query('one.x.test');
      assert.deepEqual(answerData(one.packet), ['6.7.8.56']);
      assert.equal(one.aa, false, 'no longer the server\'s data');
      assert.equal((one.packet.answers?.[0] as { ttl?: number }).ttl, 100);
      const mixed = await proxy.query('mixed.x.test', { type: 'ANY' });
      assert.deepEqual(answerData(mixed.packet), ['6.7.8.56', '1.2.4.9', '::ffff:102:338']);
    }));

  it('leaves a reply without a matching address as the upstream sent it (AA kept)', () =>
    withUpstreams([script], 'alias=9.9.9.9,8.8.8.8', async ({ proxy }) => {
      const one = await proxy.query('one.x.test');
      assert.deepEqual(answerData(one.packet), ['1.2.3.56']);
      assert.equal(one.aa, true);
    }));

  it('follows CNAME chains, rewrites the additional section and NXDOMAIN replies, not the authority section or SERVFAIL', () =>
    withUpstreams([script], DOCTOR, async ({ proxy }) => {
      assert.deepEqual(answerData((await proxy.query('chain.x.test')).packet), ['tgt.x.test', '6.7.8.77']);
      const mx = await proxy.query('mx.x.test', { type: 'MX' });
      assert.deepEqual(section(mx.packet.additionals), ['A 6.7.8.88']);
      assert.deepEqual(section(mx.packet.authorities), ['NS ns.x.test', 'A 1.2.3.89']);
      const nx = await proxy.query('nx.x.test');
      assert.equal(nx.rcode, 'NXDOMAIN');
      assert.deepEqual(answerData(nx.packet), ['gone.x.test', '6.7.8.91']);
      const fail = await proxy.query('fail.x.test');
      assert.equal(fail.rcode, 'SERVFAIL');
    }));

  it('caches the rewritten reply: a repeat is answered from the cache, over TCP too', () =>
    withUpstreams([script], DOCTOR, async ({ ups: [up], proxy }) => {
      assert.deepEqual(answerData((await proxy.query('one.x.test')).packet), ['6.7.8.56']);
      const again = await proxy.query('one.x.test', { tcp: true });
      assert.deepEqual(answerData(again.packet), ['6.7.8.56']);
      assert.equal(again.aa, false);
      assert.equal(up!.queries.length, 1);
    }));

  it('gives every coalesced asker the rewritten address', () =>
    withUpstreams([script], DOCTOR, async ({ ups: [up], proxy }) => {
      const queries = Array.from({ length: 5 }, (_, i) => buildQuery('slow.x.test', { id: 100 + i }));
      const got = await udpBurst(queries, proxy.port);
      assert.equal(got.size, 5);
      for (const raw of got.values()) assert.deepEqual(answerData(toReply(raw).packet), ['6.7.8.6']);
      assert.equal(up!.queries.length, 1, 'one upstream query for all five');
    }));

  it('rewrites the target of a cname= alias that an upstream answers', () =>
    withUpstreams([script], `${DOCTOR}\ncname=web.lan,one.x.test`, async ({ proxy }) => {
      assert.deepEqual(answerData((await proxy.query('web.lan')).packet), ['one.x.test', '6.7.8.56']);
    }));

  it('rewrites signed answers for DO clients too, keeping the RRSIG but not AD (even with proxy-dnssec)', () =>
    withUpstreams([script], `${DOCTOR}\nproxy-dnssec`, async ({ proxy }) => {
      const r = await proxy.query('signed.x.test', { edns: 1232, dnssecOk: true, ad: true });
      assert.deepEqual(section(r.packet.answers), ['A 6.7.8.5', 'RRSIG …']);
      assert.equal(r.raw[3]! & 0x20, 0, 'AD cleared: the data is no longer what was signed');
      const plain = await withoutAlias();
      assert.equal(plain, 0x20, 'the same answer without alias= keeps AD under proxy-dnssec');
    }));

  it('lets stop-dns-rebind judge the rewritten address (as dnsmasq 2.90)', () =>
    withUpstreams([script], `alias=1.2.3.0,192.168.5.0,255.255.255.0\nalias=192.168.0.0,1.1.1.0,255.255.255.0\nstop-dns-rebind`, async ({ proxy }) => {
      const into = await proxy.query('one.x.test');
      assert.equal(into.rcode, 'NOERROR');
      assert.deepEqual(answerData(into.packet), [], 'rewritten into private space: blocked');
      assert.deepEqual(answerData((await proxy.query('lan.x.test')).packet), ['1.1.1.20'], 'rewritten out of it: passes');
    }));

  it('lets bogus-nxdomain judge the rewritten address (as dnsmasq 2.90)', () =>
    withUpstreams([script], `alias=1.2.3.0,9.9.9.0,255.255.255.0\nbogus-nxdomain=9.9.9.56`, async ({ proxy }) => {
      assert.equal((await proxy.query('one.x.test')).rcode, 'NXDOMAIN');
    }).then(() => withUpstreams([script], `alias=1.2.3.0,9.9.9.0,255.255.255.0\nbogus-nxdomain=1.2.3.56`, async ({ proxy }) => {
      assert.deepEqual(answerData((await proxy.query('one.x.test')).packet), ['9.9.9.56']);
    })));
});

/** The AD bit of the signed answer through a proxy without alias= (with proxy-dnssec). */
async function withoutAlias(): Promise<number> {
  let ad = -1;
  await withUpstreams([script], 'proxy-dnssec', async ({ proxy }) => {
    const r = await proxy.query('signed.x.test', { edns: 1232, dnssecOk: true, ad: true });
    ad = r.raw[3]! & 0x20;
  });
  return ad;
}

