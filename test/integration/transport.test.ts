/**
 * Transports on the wire: a truncated UDP reply from upstream is retried over TCP, and the client
 * gets the whole answer over UDP when it fits its limit, otherwise TC and the whole answer on its
 * own TCP retry; client queries over TCP may be pipelined on one connection and are answered by ID.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData, buildQuery, tcpPipeline, toReply } from '../helpers/dns-client.js';
import { rr, type Script } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';

const CONF = 'upstream-timeout=500\nquery-timeout=3000';

/** `n` A records 10.1.x.y for `name`. */
function addresses(name: string, n: number) {
  return Array.from({ length: n }, (_, i) => rr.a(name, `10.1.${i >> 8}.${i & 0xff}`, 60));
}

/** Over UDP: TC with no records; over TCP: `n` A records. */
const truncatingWith = (n: number): Script => (q) => ({ truncateUdp: true, answers: addresses(q.name, n) });

describe('upstream TC over UDP', () => {
  it('retries over TCP and gives an EDNS client the whole answer over UDP when it fits', () =>
    withUpstreams([truncatingWith(30)], CONF, async ({ ups: [up], proxy }) => {
      const r = await proxy.query('big.tc.test', { edns: 1232 });
      assert.equal(r.rcode, 'NOERROR');
      assert.equal(r.tc, false);
      assert.ok(r.raw.length > 512, 'the answer is larger than plain DNS allows');
      assert.equal(answerData(r.packet).length, 30);
      assert.deepEqual(up!.queries.map((q) => q.proto), ['udp', 'tcp']);
    }));

  it('takes the answer an upstream gives only over TCP', () =>
    withUpstreams(
      [(q) => (q.proto === 'udp' ? { truncateUdp: true } : { answers: [rr.a(q.name, '10.2.0.1', 60)] })],
      CONF,
      async ({ ups: [up], proxy }) => {
        const r = await proxy.query('tcponly.tc.test');
        assert.equal(r.rcode, 'NOERROR');
        assert.equal(r.tc, false);
        assert.deepEqual(answerData(r.packet), ['10.2.0.1']);
        assert.deepEqual(up!.queries.map((q) => q.proto), ['udp', 'tcp']);
      },
    ));

  it('sets TC for a plain-DNS client when the answer exceeds 512 bytes; its TCP retry gets everything', () =>
    withUpstreams([truncatingWith(30)], CONF, async ({ proxy }) => {
      const r = await proxy.query('big.tc.test');
      assert.equal(r.tc, true);
      assert.equal(r.rcode, 'NOERROR');
      assert.equal(r.packet.answers?.length ?? 0, 0, 'a truncated reply carries no partial answer');
      assert.equal(r.packet.questions?.[0]?.name, 'big.tc.test');
      const t = await proxy.query('big.tc.test', { tcp: true });
      assert.equal(t.tc, false);
      assert.equal(answerData(t.packet).length, 30);
    }));

  it('sets TC for an EDNS client when the answer exceeds edns-packet-max; TCP gets everything', () =>
    withUpstreams([truncatingWith(70)], CONF, async ({ proxy }) => {
      const r = await proxy.query('huge.tc.test', { edns: 4096 });
      assert.equal(r.tc, true);
      assert.ok(r.raw.length <= 1232);
      assert.ok(r.packet.additionals?.some((a) => a.type === 'OPT'), 'the truncated reply keeps the OPT');
      const t = await proxy.query('huge.tc.test', { tcp: true, edns: 4096 });
      assert.equal(t.tc, false);
      assert.equal(answerData(t.packet).length, 70);
    }));
});

describe('client queries over TCP', () => {
  it('answers several pipelined queries on one connection, each under its own ID', () =>
    withUpstreams(
      // Later names answer sooner, so the replies come back out of order.
      [(q) => ({ answers: [rr.a(q.name, `10.3.0.${Number(q.name[1])}`, 60)], delayMs: (5 - Number(q.name[1])) * 40 })],
      CONF,
      async ({ proxy }) => {
        const names = [1, 2, 3, 4, 5].map((i) => `p${i}.pipe.test`);
        const ids = [101, 202, 303, 404, 505];
        const raws = await tcpPipeline(names.map((n, i) => buildQuery(n, { id: ids[i]! })), proxy.port);
        assert.equal(raws.length, 5);
        const byId = new Map(raws.map((raw) => [toReply(raw).packet.id, toReply(raw)]));
        assert.deepEqual([...byId.keys()].sort((a, b) => a! - b!), ids);
        names.forEach((n, i) => {
          const r = byId.get(ids[i]!)!;
          assert.equal(r.packet.questions?.[0]?.name, n);
          assert.deepEqual(answerData(r.packet), [`10.3.0.${i + 1}`]);
        });
        const order = raws.map((raw) => toReply(raw).packet.id);
        assert.notDeepEqual(order, ids, 'replies are sent as they complete, not in query order');
      },
    ));

  it('answers every query of a pipeline longer than the per-connection in-flight limit', () =>
    withUpstreams([(q) => ({ answers: [rr.a(q.name, '10.3.1.1', 60)], delayMs: 50 })], CONF, async ({ ups: [up], proxy }) => {
      const N = 40;
      const raws = await tcpPipeline(Array.from({ length: N }, (_, i) => buildQuery(`n${i}.pipe.test`, { id: 7000 + i })), proxy.port, 5000);
      const replies = raws.map(toReply);
      assert.deepEqual(replies.map((r) => r.packet.id).sort((a, b) => a! - b!), Array.from({ length: N }, (_, i) => 7000 + i));
      for (const r of replies) {
        assert.equal(r.packet.questions?.[0]?.name, `n${r.packet.id! - 7000}.pipe.test`);
        assert.deepEqual(answerData(r.packet), ['10.3.1.1']);
      }
      assert.equal(up!.queries.length, N);
    }));

  it('answers a malformed query in a pipeline with FORMERR and the others normally', () =>
    withUpstreams([(q) => ({ answers: [rr.a(q.name, '10.3.2.1', 60)] })], CONF, async ({ proxy }) => {
      const bad = buildQuery('bad.pipe.test', { id: 2 });
      bad.writeUInt16BE(2, 4); // QDCOUNT=2 with one question: malformed
      const raws = await tcpPipeline([buildQuery('a.pipe.test', { id: 1 }), bad, buildQuery('c.pipe.test', { id: 3 })], proxy.port);
      const byId = new Map(raws.map((raw) => [toReply(raw).packet.id, toReply(raw)]));
      assert.equal(byId.get(2)?.rcode, 'FORMERR');
      assert.deepEqual(answerData(byId.get(1)!.packet), ['10.3.2.1']);
      assert.deepEqual(answerData(byId.get(3)!.packet), ['10.3.2.1']);
    }));
});
