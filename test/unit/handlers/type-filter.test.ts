/**
 * The type filter (filter-A, filter-AAAA, filter-rr): NODATA with EDE 17 for a filtered question
 * without asking further, ANY answers trimmed (and with filter-rr=ANY reduced to A, AAAA, MX and
 * CNAME), other classes, other RCODEs and untouched answers passed on as they are.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { createTypeFilter } from '../../../src/handlers/type-filter.js';
import type { Query } from '../../../src/pipeline/query.js';
import { DROP, Reply, type Outcome } from '../../../src/pipeline/types.js';
import { RRType } from '../../../src/wire/constants.js';
import { decode, makeQuery, upstreamReply, type ReplySpec } from '../../helpers/wire.js';
import { rr } from '../../helpers/fake-upstream.js';
import type { QueryOptions } from '../../helpers/dns-client.js';

/** A stage over `types`, an upstream answering with `spec`, and what reached the upstream. */
function rig(types: number[], spec: ReplySpec = {}) {
  const counters = { answered: 0 };
  const stage = createTypeFilter({ types, ednsPacketMax: 1232 }, counters);
  const asked: string[] = [];
  const ask = (name: string, opts: QueryOptions = {}): Outcome => {
    const q = makeQuery(name, opts);
    return stage.handle(q, (qq: Query) => {
      asked.push(`${qq.typeName} ${qq.name}`);
      return upstreamReply(qq, spec);
    }) as Outcome;
  };
  return { ask, asked, counters };
}

const reply = (o: Outcome): Reply => {
  assert.ok(o !== DROP && o instanceof Reply);
  return o;
};
/** The EDE info codes in a reply's OPT record. */
function edeCodes(o: Reply): number[] {
  const opt = decode(o.wire).additionals?.find((a) => a.type === 'OPT') as { options?: { code: number; data: Buffer }[] } | undefined;
  return (opt?.options ?? []).filter((x) => x.code === 15).map((x) => x.data.readUInt16BE(0));
}
const types = (o: Reply, section: 'answers' | 'authorities' | 'additionals' = 'answers') =>
  (decode(o.wire)[section] ?? []).filter((a) => a.type !== 'OPT').map((a) => a.type);

describe('type filter', () => {
  it('answers a filtered question with NODATA and never asks further', () => {
    const { ask, asked, counters } = rig([RRType.AAAA], { answers: [rr.aaaa('a.test', '2001:db8::1')] });
    const o = reply(ask('a.test', { type: 'AAAA' }));
    const p = decode(o.wire);
    assert.equal((p as { rcode?: string }).rcode, 'NOERROR');
    assert.deepEqual([p.answers?.length, p.authorities?.length], [0, 0]);
    assert.equal(p.flags! & 0x0400, 0, 'no AA');
    assert.equal(o.source, 'local');
    assert.deepEqual(asked, []);
    assert.equal(counters.answered, 1);
    assert.equal(o.optStart, -1, 'no OPT for a client without EDNS');
    assert.equal(p.additionals?.length, 0);
  });

  it('adds EDE 17 (Filtered) in an OPT record when the client used EDNS (RFC 8914)', () => {
    const { ask } = rig([RRType.A]);
    const o = reply(ask('a.test', { type: 'A', edns: 4096, dnssecOk: true }));
    assert.deepEqual(edeCodes(o), [17]);
    const opt = decode(o.wire).additionals![0] as { udpPayloadSize: number; flags: number };
    assert.equal(opt.udpPayloadSize, 1232);
    assert.equal(opt.flags & dnsPacket.DNSSEC_OK, dnsPacket.DNSSEC_OK);
    assert.equal(o.wire.length, o.optEnd);
    assert.equal(o.wire.readUInt16BE(o.optStart + 1), RRType.OPT);
  });

  it('passes other types, other classes and ANY-class questions on', () => {
    const { ask, asked } = rig([RRType.AAAA], { answers: [rr.a('a.test', '192.0.2.1')] });
    assert.equal(reply(ask('a.test', { type: 'A' })).source, 'upstream');
    ask('a.test', { type: 'AAAA', qclass: 'CH' });
    assert.deepEqual(asked, ['A a.test', 'AAAA a.test']);
  });

  it('trims filtered records from an ANY answer and says so with EDE 17', () => {
    const { ask } = rig([RRType.AAAA, RRType.TXT], {
      answers: [rr.a('a.test', '192.0.2.1'), rr.aaaa('a.test', '2001:db8::1'), rr.txt('a.test', 'x'), rr.aaaa('a.test', '2001:db8::2')],
      additionals: [rr.aaaa('ns.a.test', '2001:db8::53')],
    });
    const o = reply(ask('a.test', { type: 'ANY', edns: 1232 }));
    assert.deepEqual(types(o), ['A']);
    assert.deepEqual(types(o, 'additionals'), ['AAAA'], 'only the answer section is filtered');
    assert.deepEqual(edeCodes(o), [17]);
    assert.equal(o.source, 'upstream');
    assert.equal(o.upstream, '127.0.0.1#53');
    const plain = reply(ask('a.test', { type: 'ANY' }));
    assert.equal(plain.optStart, -1);
    assert.equal(decode(plain.wire).additionals?.length, 1);
  });

  it('returns an ANY answer with nothing to remove as it came', () => {
    const { ask } = rig([RRType.AAAA], { answers: [rr.a('a.test', '192.0.2.1')] });
    const o = reply(ask('a.test', { type: 'ANY', edns: 1232 }));
    assert.deepEqual(edeCodes(o), []);
    assert.deepEqual(types(o), ['A']);
  });

  it('filter-rr=ANY keeps only A, AAAA, MX and CNAME of class IN, in every section', () => {
    const { ask } = rig([RRType.ANY], {
      answers: [rr.a('a.test', '192.0.2.1'), rr.txt('a.test', 'x'), rr.aaaa('a.test', '2001:db8::1'),
        { type: 'MX', name: 'a.test', ttl: 60, class: 'IN', data: { preference: 10, exchange: 'mx.a.test' } },
        { type: 'HINFO', name: 'a.test', ttl: 60, class: 'IN', data: { cpu: 'c', os: 'o' } }],
      authorities: [rr.soa('test')],
    });
    const o = reply(ask('a.test', { type: 'ANY' }));
    assert.deepEqual(types(o), ['A', 'AAAA', 'MX']);
    assert.deepEqual(types(o, 'authorities'), []);
    // Other questions are not touched by filter-rr=ANY.
    assert.deepEqual(types(reply(ask('a.test', { type: 'TXT' }))), ['A', 'TXT', 'AAAA', 'MX', 'HINFO']);
  });

  it('with a type that can stand beside the asked one (CNAME), scans every answer', () => {
    const { ask } = rig([RRType.CNAME], { answers: [rr.cname('w.test', 'a.test'), rr.a('a.test', '192.0.2.1')] });
    assert.deepEqual(types(reply(ask('w.test', { type: 'A' }))), ['A']);
  });

  it('leaves NXDOMAIN and SERVFAIL answers, and DROP, alone', () => {
    const nx = rig([RRType.AAAA], { rcode: 'NXDOMAIN', answers: [rr.aaaa('a.test', '2001:db8::1')] });
    assert.deepEqual(types(reply(nx.ask('a.test', { type: 'ANY' }))), ['AAAA']);
    const counters = { answered: 0 };
    const stage = createTypeFilter({ types: [RRType.AAAA], ednsPacketMax: 1232 }, counters);
    assert.equal(stage.handle(makeQuery('a.test', { type: 'ANY' }), () => DROP), DROP);
  });

  it('trims answers that arrive later (a forwarded query) the same way', async () => {
    const stage = createTypeFilter({ types: [RRType.AAAA], ednsPacketMax: 1232 }, { answered: 0 });
    const q = makeQuery('a.test', { type: 'ANY' });
    const r = stage.handle(q, (qq) => Promise.resolve(upstreamReply(qq, { answers: [rr.a('a.test', '192.0.2.1'), rr.aaaa('a.test', '2001:db8::1')] })));
    assert.deepEqual(types(reply(await r)), ['A']);
  });
});
