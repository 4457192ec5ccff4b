/**
 * bogus-nxdomain and ignore-address on the wire, against scripted upstreams:
 * - bogus-nxdomain: an answer with a listed address reaches the client as NXDOMAIN with no records
 *   (EDE 15 with EDNS), is asked upstream again next time, and leaves other answers alone;
 * - ignore-address: a reply with a listed address is dropped and fandns waits for the real reply
 *   that follows (the forged-answer race it is for); when only such replies come, the client gets
 *   SERVFAIL; a reply over TCP after truncation is ignored too. Both are counted in /metrics.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData, optOf } from '../helpers/dns-client.js';
import { rr } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';

const CONF = 'upstream-timeout=300\nquery-timeout=1500';
const HIJACK = '10.9.9.9';
const REAL = '192.0.2.10';

/** The EDE info codes of a reply's OPT record. */
const edeCodes = (p: Parameters<typeof optOf>[0]): number[] =>
  (optOf(p)?.options ?? []).filter((o) => o.code === 15).map((o) => o.data.readUInt16BE(0));

describe('bogus-nxdomain', () => {
  it('answers NXDOMAIN for an address in the range, each time from upstream, with EDE 15 for EDNS clients', () =>
    withUpstreams([(q) => ({ answers: q.name === 'good.test' ? [rr.a(q.name, REAL)] : [rr.a(q.name, HIJACK)] })],
      `${CONF}\nbogus-nxdomain=10.9.9.0/24`, async ({ ups: [up], proxy }) => {
        const plain = await proxy.query('typo.test');
        assert.equal(plain.rcode, 'NXDOMAIN');
        assert.deepEqual(answerData(plain.packet), []);
        assert.equal(optOf(plain.packet), undefined);
        const edns = await proxy.query('typo.test', { edns: 1232 });
        assert.equal(edns.rcode, 'NXDOMAIN');
        assert.deepEqual(edeCodes(edns.packet), [15]);
        assert.equal(up!.queries.length, 2, 'the NXDOMAIN made here is not cached');
        const good = await proxy.query('good.test');
        assert.deepEqual(answerData(good.packet), [REAL]);
        assert.equal(proxy.server.metricsSnapshot().bogusNxdomain, 2);
      }));

  it('follows a CNAME chain to the bogus address, and leaves a real NXDOMAIN as it is', () =>
    withUpstreams([(q) => (q.name === 'gone.test' ? { rcode: 'NXDOMAIN' } : { answers: [rr.cname(q.name, 'lander.isp.test'), rr.a('lander.isp.test', HIJACK)] })],
      `${CONF}\nbogus-nxdomain=${HIJACK}`, async ({ proxy }) => {
        assert.equal((await proxy.query('www.typo.test')).rcode, 'NXDOMAIN');
        assert.equal((await proxy.query('gone.test')).rcode, 'NXDOMAIN');
        assert.equal(proxy.server.metricsSnapshot().bogusNxdomain, 1);
      }));
});

describe('ignore-address', () => {
  it('drops a reply with the address and returns the real reply that follows', () =>
    withUpstreams([(q) => ({ answers: [rr.a(q.name, HIJACK)], also: [{ answers: [rr.a(q.name, REAL, 60)], delayMs: 100 }] })],
      `${CONF}\nignore-address=${HIJACK}`, async ({ ups: [up], proxy }) => {
        const r = await proxy.query('blocked.test');
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), [REAL]);
        assert.equal(up!.queries.length, 1);
        const [u] = proxy.server.metricsSnapshot().upstreams;
        assert.equal(u!.ignored, 1);
        assert.equal(u!.timeouts, 0);
      }));

  it('gives SERVFAIL when only ignored replies come, and takes the next server\'s answer', () =>
    withUpstreams([(q) => ({ answers: [rr.a(q.name, HIJACK)] }), (q) => ({ answers: [rr.a(q.name, REAL)], delayMs: 20 })],
      `${CONF}\nignore-address=${HIJACK}\nstrict-order`, async ({ proxy }) => {
        const r = await proxy.query('blocked.test');
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), [REAL], 'after the first server timed out');
      }).then(() =>
      withUpstreams([(q) => ({ answers: [rr.a(q.name, HIJACK)] })], `${CONF}\nignore-address=${HIJACK}`, async ({ proxy }) => {
        const r = await proxy.query('blocked.test');
        assert.equal(r.rcode, 'SERVFAIL');
        assert.deepEqual(answerData(r.packet), []);
      })));

  it('checks only NOERROR replies and A/AAAA records of the answer section, and TCP replies too', () =>
    withUpstreams([(q) => {
      if (q.name === 'nx.test') return { rcode: 'NXDOMAIN', answers: [rr.a(q.name, HIJACK)] };
      if (q.name === 'glue.test') return { answers: [rr.a(q.name, REAL)], additionals: [rr.a('ns.glue.test', HIJACK)] };
      return { answers: [rr.a(q.name, HIJACK)], truncateUdp: true };
    }], `${CONF}\nignore-address=10.9.9.0/24`, async ({ ups: [up], proxy }) => {
      assert.equal((await proxy.query('nx.test')).rcode, 'NXDOMAIN');
      assert.deepEqual(answerData((await proxy.query('glue.test')).packet), [REAL]);
      const tcp = await proxy.query('big.test');
      assert.equal(tcp.rcode, 'SERVFAIL');
      assert.ok(up!.queries.some((q) => q.proto === 'tcp' && q.name === 'big.test'));
      assert.equal(proxy.server.metricsSnapshot().upstreams[0]!.ignored, 1);
    }));
});
