/**
 * finalize(): the client's copy of a reply — its ID and question (letter case included), RD/CD
 * echoed, RA set, AD only when asked, and an OPT exactly when the client sent one, clamped to
 * edns-packet-max with DO echoed; truncate() and udpLimit() for UDP clients.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { finalize, truncate, udpLimit } from '../../../src/pipeline/finalize.js';
import { Reply } from '../../../src/pipeline/types.js';
import { scanMessage } from '../../../src/wire/layout.js';
import type { QueryOptions } from '../../helpers/dns-client.js';
import { rr } from '../../helpers/fake-upstream.js';
import { makeQuery } from '../../helpers/wire.js';

const MAX = 1232;
const QR = 0x80, RD = 0x01, TC = 0x02, RA = 0x80, AD = 0x20, CD = 0x10;

/** What an upstream might send: another ID, a lower-case question (a.test), chosen flags, an OPT. */
interface UpstreamReply {
  readonly name?: string;
  readonly flags?: number;
  readonly answers?: dnsPacket.Answer[];
  readonly optSize?: number;
  readonly optDo?: boolean;
}

/** Encodes an upstream reply and wraps it as a Reply with its OPT offsets. */
function upstreamReply(u: UpstreamReply, owned = true): Reply {
  const additionals = u.optSize === undefined ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: u.optSize, flags: u.optDo ? dnsPacket.DNSSEC_OK : 0 } as never];
  const wire = dnsPacket.encode({
    type: 'response',
    id: 0x9999,
    flags: u.flags ?? dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name: u.name ?? 'a.test', class: 'IN' }],
    answers: u.answers ?? [rr.a(u.name ?? 'a.test', '192.0.2.1', 60)],
    additionals,
  });
  const opt = scanMessage(wire)?.opt ?? null;
  return new Reply(wire, 'upstream', owned, opt ? opt.start : -1, opt ? opt.end : -1, '127.0.0.1#53');
}

/** The OPT of a message as [udp size, DO], or null. */
function optOf(msg: Buffer): [number, boolean] | null {
  const l = scanMessage(msg);
  assert.ok(l, 'finalized message must scan');
  return l.opt ? [msg.readUInt16BE(l.opt.start + 3), (msg[l.opt.start + 7]! & 0x80) !== 0] : null;
}

describe('finalize: ID, question and flags', () => {
  it("writes the client's ID and question case", () => {
    const q = makeQuery('WwW.ExAmPlE.TeSt', { id: 0x1111 });
    const out = finalize(upstreamReply({ name: 'www.example.test' }), q, MAX);
    const d = dnsPacket.decode(out);
    assert.equal(d.id, q.p.id);
    assert.equal(d.questions?.[0]?.name, 'WwW.ExAmPlE.TeSt');
    assert.deepEqual(out.subarray(12, q.p.qEnd), q.msg.subarray(12, q.p.qEnd));
    assert.equal((d.answers?.[0] as { data: string }).data, '192.0.2.1');
  });

  it('echoes RD from the query', () => {
    assert.equal(finalize(upstreamReply({}), makeQuery('a.test', { rd: false }), MAX)[2]! & RD, 0);
    assert.equal(finalize(upstreamReply({ flags: 0 }), makeQuery('a.test'), MAX)[2]! & RD, RD);
  });

  it('always sets RA and keeps QR', () => {
    const out = finalize(upstreamReply({ flags: 0 }), makeQuery('a.test'), MAX);
    assert.equal(out[3]! & RA, RA);
    assert.equal(out[2]! & QR, QR);
  });

  it('echoes CD from the query', () => {
    assert.equal(finalize(upstreamReply({}), makeQuery('a.test', { cd: true }), MAX)[3]! & CD, CD);
    assert.equal(finalize(upstreamReply({ flags: dnsPacket.CHECKING_DISABLED }), makeQuery('a.test'), MAX)[3]! & CD, 0);
  });

  const adRows: [string, QueryOptions, number][] = [
    ['clears AD for a query without AD or DO', {}, 0],
    ['keeps AD for a query with AD', { ad: true }, AD],
    ['keeps AD for a query with DO', { edns: 1232, dnssecOk: true }, AD],
  ];
  for (const [what, opts, ad] of adRows) {
    it(what, () => {
      const r = upstreamReply({ flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA });
      assert.equal(finalize(r, makeQuery('a.test', opts), MAX)[3]! & AD, ad);
    });
  }

  it('keeps the RCODE', () => {
    const wire = Buffer.from(upstreamReply({ answers: [] }).wire);
    wire[3] = (wire[3]! & 0xf0) | 3;
    const out = finalize(new Reply(wire, 'upstream', true, -1, -1, null), makeQuery('a.test'), MAX);
    assert.equal(out[3]! & 0x0f, 3);
  });
});

describe('finalize: OPT for the client', () => {
  const rows: [string, UpstreamReply, QueryOptions, [number, boolean] | null][] = [
    ['adds an OPT when the client sent one and the reply has none', {}, { edns: 4096 }, [MAX, false]],
    ['adds an OPT with DO echoed', {}, { edns: 4096, dnssecOk: true }, [MAX, true]],
    ['removes the OPT when the client sent none', { optSize: 4096 }, {}, null],
    ['clamps the reply OPT size to edns-packet-max', { optSize: 4096 }, { edns: 4096 }, [MAX, false]],
    ['keeps a smaller reply OPT size', { optSize: 600 }, { edns: 4096 }, [600, false]],
    ['clears DO the client did not set', { optSize: 1232, optDo: true }, { edns: 1232 }, [1232, false]],
    ['sets DO the client set', { optSize: 1232 }, { edns: 1232, dnssecOk: true }, [1232, true]],
  ];
  for (const [what, u, opts, expected] of rows) {
    it(what, () => {
      const out = finalize(upstreamReply(u), makeQuery('a.test', opts), MAX);
      assert.deepEqual(optOf(out), expected);
      assert.equal(out.readUInt16BE(10), expected ? 1 : 0);
    });
  }
});

describe('finalize: ownership', () => {
  it('edits an owned reply in place', () => {
    const r = upstreamReply({});
    assert.equal(finalize(r, makeQuery('a.test'), MAX), r.wire);
  });
  it('copies a shared reply and leaves it untouched', () => {
    const r = upstreamReply({}, false);
    const before = Buffer.from(r.wire);
    const out = finalize(r, makeQuery('A.TEST', { rd: false, cd: true }), MAX);
    assert.notEqual(out, r.wire);
    assert.deepEqual(r.wire, before);
  });
  it('gives two clients of one shared reply their own IDs and cases', () => {
    const r = upstreamReply({ name: 'a.test' }, false);
    const one = finalize(r, makeQuery('A.test', { id: 1 }), MAX);
    const two = finalize(r, makeQuery('a.TEST', { id: 2 }), MAX);
    assert.deepEqual([dnsPacket.decode(one).id, dnsPacket.decode(one).questions?.[0]?.name], [1, 'A.test']);
    assert.deepEqual([dnsPacket.decode(two).id, dnsPacket.decode(two).questions?.[0]?.name], [2, 'a.TEST']);
  });
});

describe('udpLimit', () => {
  const rows: [string, QueryOptions, number][] = [
    ['no EDNS', {}, 512],
    ['EDNS 4096, capped', { edns: 4096 }, MAX],
    ['EDNS 600', { edns: 600 }, 600],
    ['EDNS 512', { edns: 512 }, 512],
  ];
  for (const [what, opts, limit] of rows) it(what, () => assert.equal(udpLimit(makeQuery('l.test', opts), MAX), limit));
});

describe('truncate', () => {
  const many = Array.from({ length: 40 }, (_, i) => rr.a('big.test', `192.0.2.${i + 1}`, 60));

  it('keeps header and question, sets TC, drops every record (no EDNS)', () => {
    const q = makeQuery('BIG.test', { id: 0x1111 });
    const full = finalize(upstreamReply({ name: 'big.test', answers: many }), q, MAX);
    assert.ok(full.length > udpLimit(q, MAX));
    const t = truncate(full, q, MAX);
    assert.equal(t.length, q.p.qEnd);
    assert.equal(t[2]! & TC, TC);
    assert.deepEqual([t.readUInt16BE(4), t.readUInt16BE(6), t.readUInt16BE(8), t.readUInt16BE(10)], [1, 0, 0, 0]);
    assert.equal(dnsPacket.decode(t).questions?.[0]?.name, 'BIG.test');
    assert.equal(t.readUInt16BE(0), q.p.id);
  });

  it('adds an OPT for an EDNS client, with DO echoed', () => {
    const q = makeQuery('big.test', { edns: 512, dnssecOk: true });
    const full = finalize(upstreamReply({ name: 'big.test', answers: many, optSize: 4096 }), q, MAX);
    const t = truncate(full, q, MAX);
    assert.equal(t[2]! & TC, TC);
    assert.deepEqual([t.readUInt16BE(6), t.readUInt16BE(8), t.readUInt16BE(10)], [0, 0, 1]);
    assert.deepEqual(optOf(t), [MAX, true]);
    assert.equal(t.length, q.p.qEnd + 11);
  });
});
