/**
 * Upstream replies that are almost right, found by the fuzz tests: bytes after the last record,
 * a compression pointer into the header, an OPT record with an owner name, a name that reads on
 * into the OPT, a pointer past the OPT, a reply with another opcode or a QTYPE that differs only
 * in the case bit of its byte, and an RRset too long for the cache's rotation table. Each must
 * reach the client as a well-formed answer, or not at all (the real reply, or SERVFAIL).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { scanMessage } from '../../src/wire/layout.js';
import { answerData, buildQuery, optOf, toReply, udpExchange } from '../helpers/dns-client.js';
import { rr, type SeenQuery } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';
import { bytes, pointer, record, u16 } from '../helpers/wire-bytes.js';
import { sleep } from '../helpers/wait.js';

const CONF = 'upstream-timeout=2000\nquery-timeout=4000';

/** The real reply to `q`: one A record 10.0.0.1, plus an OPT when the query had one. */
function realReply(q: SeenQuery): Buffer {
  const opt = (q.packet.additionals ?? []).some((a) => a.type === 'OPT');
  return dnsPacket.encode({
    type: 'response',
    id: q.packet.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: q.packet.questions,
    answers: [rr.a(q.name, '10.0.0.1', 60)],
    additionals: opt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as never] : [],
  } as never);
}

/** Asks over UDP and insists that the reply is a well-formed message. */
async function ask(port: number, name: string, opts: Parameters<typeof buildQuery>[1] = {}) {
  const raw = await udpExchange(buildQuery(name, opts), port);
  assert.ok(scanMessage(raw), `well-formed reply: ${raw.toString('hex')}`);
  return toReply(raw);
}

describe('almost-right upstream replies', () => {
  it('drops bytes after the last record: EDNS clients get a well-formed reply, fresh and cached', () =>
    withUpstreams([(q) => ({ raw: Buffer.concat([realReply(q), Buffer.alloc(5)]) })], CONF, async ({ ups: [up], proxy }) => {
      for (const edns of [undefined, 1232, 1232]) {
        const r = await ask(proxy.port, 'pad.test', edns ? { edns } : {});
        assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
        assert.equal(optOf(r.packet) !== undefined, edns !== undefined, 'an OPT exactly when asked with EDNS');
      }
      assert.equal(up!.queries.length, 1, 'the later answers came from the cache');
    }));

  it('treats a compression pointer into the header as malformed: SERVFAIL, counted', () =>
    withUpstreams([(q) => {
      let qEnd = 12;
      while (q.raw[qEnd] !== 0) qEnd += q.raw[qEnd]! + 1;
      // The answer's owner points at offset 11 (the low byte of ARCOUNT): the root here, but a
      // label once the count changes, as it does when an OPT is added for the client.
      const head = bytes(q.raw.subarray(0, 2), 0x81, 0x80, u16(1), u16(1), u16(0), u16(0));
      return { raw: bytes(head, q.raw.subarray(12, qEnd + 5), record(pointer(11), 1, 60, [10, 0, 0, 1])) };
    }], CONF, async ({ proxy }) => {
      const r = await ask(proxy.port, 'header.test', { edns: 1232 });
      assert.equal(r.rcode, 'SERVFAIL');
      assert.equal(proxy.server.runtime.registry.upstreams()[0]!.stats.malformed, 1);
    }));

  it('treats an OPT record owned by a name as malformed: SERVFAIL, not the client EDNS fields written into that name', () =>
    withUpstreams([(q) => {
      let qEnd = 12;
      while (q.raw[qEnd] !== 0) qEnd += q.raw[qEnd]! + 1;
      // RFC 6891 §6.1.2: an OPT's owner is the root. Found by the reply fuzz (seed 102).
      const head = bytes(q.raw.subarray(0, 2), 0x81, 0x80, u16(1), u16(1), u16(0), u16(1));
      const opt = [6, ...Buffer.from('second'), 0, ...u16(41), ...u16(1232), 0, 0, 0, 0, ...u16(0)];
      return { raw: bytes(head, q.raw.subarray(12, qEnd + 5), record([0xc0, 12], 1, 60, [10, 0, 0, 1]), opt) };
    }], CONF, async ({ proxy }) => {
      for (const edns of [undefined, 1232]) {
        const r = await ask(proxy.port, 'opt-owner.test', edns ? { edns, dnssecOk: true } : {});
        assert.equal(r.rcode, 'SERVFAIL');
      }
      assert.equal(proxy.server.runtime.registry.upstreams()[0]!.stats.malformed, 2);
    }));

  it('treats a name that reads on into the OPT as malformed: SERVFAIL, with EDNS or without', () =>
    // Reply fuzz seed 431: a CNAME target points into the question's first label ("f3564": the byte
    // "3" reads as a 51-byte label) and reads on to the end of the OPT. Cutting the OPT for a client
    // without EDNS left a name running off the end of the message.
    withUpstreams([(q) => {
      const raw = Buffer.from(
        'a209818000010004000000010566333536340466557a7a04544553740000210001c00c000500010000003c000603776562c00ec02d00010001' +
        '0000003c00040a000001c02d000100090000003c00040a020002c00c000f00010000003c0009000a046d61696cc00c0000290172000000000000', 'hex');
      q.raw.copy(raw, 0, 0, 2);
      return { raw };
    }], CONF, async ({ proxy }) => {
      for (const edns of [undefined, 1232]) {
        const r = await ask(proxy.port, 'f3564.fuzz.test', { type: 'SRV', ...(edns ? { edns } : {}) });
        assert.equal(r.rcode, 'SERVFAIL');
      }
    }));

  it('treats a pointer past the OPT as malformed: SERVFAIL, not a pointer cut loose when the OPT is removed', () =>
    withUpstreams([(q) => {
      let qEnd = 12;
      while (q.raw[qEnd] !== 0) qEnd += q.raw[qEnd]! + 1;
      const head = bytes(q.raw.subarray(0, 2), 0x81, 0x80, u16(1), u16(1), u16(0), u16(3));
      const answer = record(pointer(12), 1, 60, [10, 0, 0, 1]);
      const opt = [0, ...u16(41), ...u16(1232), 0, 0, 0, 0, ...u16(0)];
      const xAt = qEnd + 5 + answer.length + opt.length;
      return { raw: bytes(head, q.raw.subarray(12, qEnd + 5), answer, opt, record([1, 0x78, 0], 1, 60, [10, 0, 0, 2]), record(pointer(xAt), 1, 60, [10, 0, 0, 3])) };
    }], CONF, async ({ proxy }) => {
      for (const edns of [undefined, 1232]) {
        const r = await ask(proxy.port, 'past-opt.test', edns ? { edns } : {});
        assert.equal(r.rcode, 'SERVFAIL');
      }
    }));

  it('ignores a reply with an opcode other than QUERY and takes the real one after it', () =>
    withUpstreams([(q) => {
      const other = realReply(q);
      other[2] = other[2]! | (2 << 3); // STATUS
      other.writeUInt32BE(0x0a060606, other.length - 4);
      return { raw: other, also: [{ raw: realReply(q), delayMs: 50 }] };
    }], CONF, async ({ proxy }) => {
      const r = await ask(proxy.port, 'opcode.test');
      assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
      assert.equal((r.raw[2]! >> 3) & 0x0f, 0, 'the client sees its own opcode');
      assert.ok(proxy.server.runtime.registry.upstreams()[0]!.udp.counters.mismatched >= 1, 'the other reply was counted');
    }));

  it('ignores a reply whose QTYPE differs only in the ASCII case bit (97 for 65)', () =>
    withUpstreams([(q) => {
      const other = Buffer.from(q.raw);
      other[2] = 0x81;
      other[3] = 0x80;
      other[q.raw.length - 3] = 0x61; // QTYPE 65 (0x0041, "A") → 97 (0x0061, "a")
      return { raw: other, also: [{ rcode: 'NXDOMAIN', authorities: [rr.soa('test', 30)], delayMs: 50 }] };
    }], CONF, async ({ proxy }) => {
      const r = await ask(proxy.port, 'https.test', { type: 'UNKNOWN_65' });
      assert.equal(r.rcode, 'NXDOMAIN', 'the reply to type 65 itself, not the one to type 97');
    }));

  it('serves an RRset of 300 records whole from the cache, and stale once its upstream is gone', () => {
    const ips = Array.from({ length: 300 }, (_, i) => `10.7.${i >> 8}.${i & 255}`);
    const sorted = [...ips].sort();
    // TTL 1 for the name that goes stale, a long one for the name the cache must keep.
    const script = (q: SeenQuery) => ({ answers: ips.map((ip) => rr.a(q.name, ip, q.name.startsWith('short') ? 1 : 3600)) });
    return withUpstreams([script], `${CONF}\nuse-stale-cache\nstale-client-timeout=300`, async ({ ups: [up], proxy }) => {
      for (let i = 0; i < 3; i++) {
        const r = await proxy.query('many.test', { tcp: true });
        assert.deepEqual(answerData(r.packet).sort(), sorted, `answer ${i}`);
      }
      assert.equal(up!.count('many.test'), 1, 'answers 2 and 3 came from the cache');
      assert.deepEqual(answerData((await proxy.query('short.test', { tcp: true })).packet).sort(), sorted);
      await up!.close();
      await sleep(1300); // TTL 1 has run out (the clock is coarse)
      const stale = await proxy.query('short.test', { tcp: true });
      assert.deepEqual(answerData(stale.packet).sort(), sorted);
      assert.ok((stale.packet.answers ?? []).every((a) => (a as { ttl: number }).ttl === 30), 'stale answers carry TTL 30');
    });
  });
});
