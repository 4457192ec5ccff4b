/**
 * Transparency on the wire: what the client asks reaches the upstream (EDNS and its options with
 * the UDP size clamped to edns-packet-max, DO, CD, any type), and what the upstream answers comes
 * back (records of every section, AD when asked for under proxy-dnssec, DO and CD), with the client's own question
 * bytes. Plain-DNS clients never see an OPT, and get TC when the answer exceeds 512 bytes.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { answerData, buildQuery, optOf, toReply, udpExchange } from '../helpers/dns-client.js';
import { rr, type Script } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';
import { COOKIE } from '../helpers/scripts.js';

const CONF = 'upstream-timeout=500\nquery-timeout=3000';

/** The RDATA field of a decoded record, whatever its type. */
const dataOf = (a: dnsPacket.Answer | undefined): unknown => (a as { data?: unknown } | undefined)?.data;

/** Answers every query with one A record. */
const plain: Script = (q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)] });

describe('EDNS', () => {
  it('forwards the OPT with the UDP size clamped to 1232 by default and the options intact; the reply has an OPT', () =>
    withUpstreams([plain], CONF, async ({ ups: [up], proxy }) => {
      const r = await proxy.query('edns.tr.test', { edns: 4096, ednsOptions: [COOKIE] });
      assert.equal(r.rcode, 'NOERROR');
      const opt = optOf(r.packet);
      assert.ok(opt, 'reply has an OPT');
      assert.ok(opt.udpPayloadSize! <= 1232);
      const seen = optOf(up!.queries[0]!.packet);
      assert.ok(seen, 'upstream saw an OPT');
      assert.equal(seen.udpPayloadSize, 1232);
      assert.deepEqual(seen.options?.map((o) => [o.code, o.data.toString('hex')]), [[COOKIE.code, COOKIE.data.toString('hex')]]);
    }));

  it('clamps to a configured edns-packet-max and never raises a smaller client size', () =>
    withUpstreams([plain], `${CONF}\nedns-packet-max=1400`, async ({ ups: [up], proxy }) => {
      await proxy.query('big.tr.test', { edns: 4096 });
      await proxy.query('small.tr.test', { edns: 1000 });
      const size = (name: string) => optOf(up!.queries.find((q) => q.name === name)!.packet)?.udpPayloadSize;
      assert.equal(size('big.tr.test'), 1400);
      assert.equal(size('small.tr.test'), 1000);
    }));

  it('sends no OPT upstream for a plain-DNS client and returns none, even if the upstream adds one', () =>
    withUpstreams(
      [(q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, flags: 0 } as never] })],
      CONF,
      async ({ ups: [up], proxy }) => {
        const r = await proxy.query('noedns.tr.test');
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
        assert.equal(optOf(r.packet), undefined, 'no OPT in the reply');
        assert.equal(optOf(up!.queries[0]!.packet), undefined, 'no OPT upstream');
      },
    ));

  it('passes DO upstream and sets it in the reply', () =>
    withUpstreams([plain], CONF, async ({ ups: [up], proxy }) => {
      const r = await proxy.query('do.tr.test', { edns: 1232, dnssecOk: true });
      assert.ok(((optOf(up!.queries[0]!.packet)?.flags ?? 0) & dnsPacket.DNSSEC_OK) !== 0, 'upstream saw DO');
      assert.ok(((optOf(r.packet)?.flags ?? 0) & dnsPacket.DNSSEC_OK) !== 0, 'reply has DO');
      const n = await proxy.query('nodo.tr.test', { edns: 1232 });
      assert.equal((optOf(up!.queries[1]!.packet)?.flags ?? 0) & dnsPacket.DNSSEC_OK, 0, 'no DO upstream when the client did not set it');
      assert.equal((optOf(n.packet)?.flags ?? 0) & dnsPacket.DNSSEC_OK, 0, 'no DO in that reply');
    }));
});

describe('header flags', () => {
  it('passes CD upstream and back', () =>
    withUpstreams([plain], CONF, async ({ ups: [up], proxy }) => {
      const r = await proxy.query('cd.tr.test', { cd: true });
      assert.ok(((up!.queries[0]!.packet.flags ?? 0) & dnsPacket.CHECKING_DISABLED) !== 0, 'upstream saw CD');
      assert.ok(((r.packet.flags ?? 0) & dnsPacket.CHECKING_DISABLED) !== 0, 'reply has CD');
      assert.ok(r.ra, 'reply has RA');
    }));

  it('passes AA from the upstream through', () =>
    withUpstreams([(q) => ({ aa: true, answers: [rr.a(q.name, '10.0.0.1', 60)] })], CONF, async ({ proxy }) => {
      const r = await proxy.query('aa.tr.test');
      assert.equal(r.aa, true);
      assert.ok(r.ra);
    }));

  it('with proxy-dnssec, passes AD back when the client set AD (or DO), and clears it otherwise', () =>
    withUpstreams([(q) => ({ ad: true, answers: [rr.a(q.name, '10.0.0.1', 60)] })], `${CONF}\nproxy-dnssec`, async ({ proxy }) => {
      const ad = (r: { packet: dnsPacket.Packet }) => ((r.packet.flags ?? 0) & dnsPacket.AUTHENTIC_DATA) !== 0;
      assert.equal(ad(await proxy.query('ad1.tr.test', { ad: true })), true, 'client set AD');
      assert.equal(ad(await proxy.query('ad2.tr.test', { edns: 1232, dnssecOk: true })), true, 'client set DO');
      assert.equal(ad(await proxy.query('ad3.tr.test')), false, 'client set neither');
    }));
});

describe('records and types', () => {
  it('keeps the additional A records of an SRV answer', () =>
    withUpstreams(
      [(q) => ({
        answers: [rr.srv(q.name, 'node1.tr.test', 8300), rr.srv(q.name, 'node2.tr.test', 8301)],
        additionals: [rr.a('node1.tr.test', '10.0.1.1', 60), rr.a('node2.tr.test', '10.0.1.2', 60)],
      })],
      CONF,
      async ({ proxy }) => {
        const r = await proxy.query('_web._tcp.tr.test', { type: 'SRV' });
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(r.packet.answers?.map((a) => (dataOf(a) as { port: number }).port).sort(), [8300, 8301]);
        const extra = (r.packet.additionals ?? []).filter((a) => a.type === 'A').map((a) => `${a.name}=${String(dataOf(a))}`).sort();
        assert.deepEqual(extra, ['node1.tr.test=10.0.1.1', 'node2.tr.test=10.0.1.2']);
      },
    ));

  it('forwards ANY queries and returns every record', () =>
    withUpstreams([(q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60), rr.txt(q.name, 'hello', 60)] })], CONF, async ({ ups: [up], proxy }) => {
      const r = await proxy.query('any.tr.test', { type: 'ANY' });
      assert.equal(up!.queries[0]!.type, 'ANY');
      assert.deepEqual(r.packet.answers?.map((a) => a.type).sort(), ['A', 'TXT']);
    }));

  it('forwards an unknown type (TYPE65280) and returns its opaque data', () =>
    withUpstreams(
      [(q) => ({ answers: [{ type: 'UNKNOWN_65280', name: q.name, ttl: 60, class: 'IN', data: Buffer.from('cafe', 'hex') } as never] })],
      CONF,
      async ({ ups: [up], proxy }) => {
        const r = await proxy.query('private.tr.test', { type: 'UNKNOWN_65280' });
        assert.equal(up!.queries[0]!.type, 'UNKNOWN_65280');
        assert.equal(r.rcode, 'NOERROR');
        assert.equal(r.packet.questions?.[0]?.type, 'UNKNOWN_65280');
        assert.equal(r.packet.answers?.[0]?.type, 'UNKNOWN_65280');
        assert.deepEqual(dataOf(r.packet.answers?.[0]), Buffer.from('cafe', 'hex'));
      },
    ));
});

describe('question and size', () => {
  it('returns the question exactly as the client sent it, whatever case the upstream echoes', () =>
    withUpstreams([(q) => ({ questionName: q.name.toLowerCase(), answers: [rr.a(q.name.toLowerCase(), '10.0.0.1', 60)] })], CONF, async ({ proxy }) => {
      const raw = buildQuery('MiXeD.CaSe.Tr.TeSt', { id: 4242 });
      const reply = await udpExchange(raw, proxy.port);
      const r = toReply(reply);
      assert.equal(r.rcode, 'NOERROR');
      assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
      const qEnd = raw.length; // a plain query is header + question
      assert.deepEqual(reply.subarray(12, qEnd), raw.subarray(12, qEnd), 'question bytes are the client\'s');
      assert.equal(r.packet.id, 4242);
    }));

  it('truncates a reply over 512 bytes for a plain-DNS UDP client; TCP returns the whole answer', () =>
    withUpstreams(
      [(q) => ({ answers: Array.from({ length: 40 }, (_, i) => rr.a(q.name, `10.4.0.${i}`, 60)) })],
      CONF,
      async ({ proxy }) => {
        const r = await proxy.query('many.tr.test');
        assert.equal(r.tc, true);
        assert.ok(r.raw.length <= 512);
        assert.equal(r.packet.questions?.[0]?.name, 'many.tr.test');
        assert.equal(optOf(r.packet), undefined);
        const t = await proxy.query('many.tr.test', { tcp: true });
        assert.equal(t.tc, false);
        assert.equal(answerData(t.packet).length, 40);
      },
    ));
});
