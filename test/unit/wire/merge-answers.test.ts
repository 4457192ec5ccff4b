/**
 * mergeAnswers: the union of several servers' positive answers to one question, built on the
 * first answer: the asked type's RRset at the end of the first answer's CNAME chain, deduplicated
 * by RDATA (names without case), the lowest TTL for each merged RRset, SRV glue merged likewise,
 * the first answer's OPT and authority kept, AA/AD only when every answer had them.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { mergeAnswers, type MergePart } from '../../../src/wire/merge-answers.js';
import { scanMessage } from '../../../src/wire/layout.js';
import { sampleQuery, sampleReply } from '../../helpers/fuzz-corpus.js';
import { mutate } from '../../helpers/mutate.js';
import { fuzzSeed, Prng } from '../../helpers/prng.js';

type Rec = dnsPacket.Answer;
const a = (name: string, data: string, ttl = 60): Rec => ({ type: 'A', name, ttl, class: 'IN', data });
const aaaa = (name: string, data: string, ttl = 60): Rec => ({ type: 'AAAA', name, ttl, class: 'IN', data });
const cname = (name: string, data: string, ttl = 60): Rec => ({ type: 'CNAME', name, ttl, class: 'IN', data });
const txt = (name: string, data: string, ttl = 60): Rec => ({ type: 'TXT', name, ttl, class: 'IN', data });
const srv = (name: string, target: string, port: number, ttl = 60): Rec =>
  ({ type: 'SRV', name, ttl, class: 'IN', data: { priority: 1, weight: 1, port, target } });
const soa = (name: string): Rec => ({ type: 'SOA', name, ttl: 30, class: 'IN', data: { mname: `ns.${name}`, rname: `h.${name}`, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 30 } });

interface Shape {
  answers?: Rec[];
  authorities?: Rec[];
  additionals?: Rec[];
  aa?: boolean;
  ad?: boolean;
  edns?: number;
}

/** A NOERROR reply to `qname`/`qtype` with these sections, as a merge part. */
function part(qname: string, qtype: string, s: Shape): MergePart {
  const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (s.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | (s.ad ? dnsPacket.AUTHENTIC_DATA : 0);
  const additionals = [...(s.additionals ?? [])];
  if (s.edns !== undefined) additionals.push({ type: 'OPT', name: '.', udpPayloadSize: s.edns, flags: 0, options: [] } as never);
  const wire = dnsPacket.encode({
    type: 'response', id: 1, flags, questions: [{ type: qtype, name: qname, class: 'IN' }],
    answers: s.answers ?? [], authorities: s.authorities ?? [], additionals,
  } as never);
  return { wire, layout: scanMessage(wire)! };
}

const decode = (b: Buffer | null) => {
  assert.ok(b, 'a merged reply');
  assert.ok(scanMessage(b), 'the merged reply is well formed');
  return dnsPacket.decode(b);
};
const data = (recs: Rec[] | undefined, type: string) => (recs ?? []).filter((r) => r.type === type).map((r) => JSON.stringify((r as { data: unknown }).data)).sort();
const ttls = (recs: Rec[] | undefined, type: string) => [...new Set((recs ?? []).filter((r) => r.type === type).map((r) => (r as { ttl: number }).ttl))];

describe('mergeAnswers', () => {
  it('returns the union of A records, each once, with the lowest TTL', () => {
    const m = decode(mergeAnswers([
      part('web.test', 'A', { answers: [a('web.test', '10.0.0.1', 60), a('web.test', '10.0.0.2', 60)] }),
      part('web.test', 'A', { answers: [a('web.test', '10.0.0.2', 30), a('web.test', '10.0.0.3', 30)] }),
      part('web.test', 'A', { answers: [a('web.test', '10.0.0.1', 90)] }),
    ]));
    assert.deepEqual(data(m.answers, 'A'), ['"10.0.0.1"', '"10.0.0.2"', '"10.0.0.3"']);
    assert.deepEqual(ttls(m.answers, 'A'), [30]);
    assert.equal((m.flags ?? 0) & 0x0f, 0, 'NOERROR');
    assert.equal(m.id, 1);
  });

  it('merges AAAA and any other type (TXT) the same way', () => {
    const six = decode(mergeAnswers([
      part('web.test', 'AAAA', { answers: [aaaa('web.test', '2001:db8::1')] }),
      part('web.test', 'AAAA', { answers: [aaaa('web.test', '2001:db8::2')] }),
    ]));
    assert.deepEqual(data(six.answers, 'AAAA'), ['"2001:db8::1"', '"2001:db8::2"']);
    const t = decode(mergeAnswers([
      part('web.test', 'TXT', { answers: [txt('web.test', 'dc=one')] }),
      part('web.test', 'TXT', { answers: [txt('web.test', 'dc=two'), txt('web.test', 'dc=one')] }),
    ]));
    assert.equal(data(t.answers, 'TXT').length, 2);
  });

  it('merges SRV records and their additional A/AAAA glue, TTL the lowest per RRset', () => {
    const q = '_web._tcp.service.test';
    const m = decode(mergeAnswers([
      part(q, 'SRV', { answers: [srv(q, 'n1.node.test', 8080, 20)], additionals: [a('n1.node.test', '10.1.0.1', 20), txt('n1.node.test', 'meta', 20)], edns: 1232 }),
      part(q, 'SRV', { answers: [srv(q, 'n2.node.test', 8081, 10), srv(q, 'N1.Node.test', 8080, 15)], additionals: [a('n2.node.test', '10.1.0.2', 10), a('n1.node.test', '10.1.0.1', 5), aaaa('n2.node.test', '2001:db8::2', 10), a('other.test', '192.0.2.9')] }),
    ]));
    assert.deepEqual(data(m.answers, 'SRV').length, 2, 'n1 (in another case) counted once, n2 added');
    assert.deepEqual(ttls(m.answers, 'SRV'), [10]);
    const glue = (m.additionals ?? []).filter((r) => r.type === 'A' || r.type === 'AAAA');
    assert.deepEqual(glue.map((r) => `${r.name} ${r.type} ${(r as { data: string }).data} ${(r as { ttl: number }).ttl}`).sort(), [
      'n1.node.test A 10.1.0.1 5', 'n2.node.test A 10.1.0.2 10', 'n2.node.test AAAA 2001:db8::2 10',
    ], 'glue for the SRV targets only, deduplicated, lowest TTL per owner and type');
    assert.ok((m.additionals ?? []).some((r) => r.type === 'TXT'), "the first answer's other additional records stay");
    const opts = (m.additionals ?? []).filter((r) => r.type === 'OPT');
    assert.equal(opts.length, 1, 'one OPT');
    assert.equal((opts[0] as { udpPayloadSize: number }).udpPayloadSize, 1232, "the first answer's OPT");
  });

  it("merges only records owned by the end of the first answer's CNAME chain", () => {
    const m = decode(mergeAnswers([
      part('www.test', 'A', { answers: [cname('www.test', 'lb.test'), a('lb.test', '10.0.0.1')] }),
      part('www.test', 'A', { answers: [cname('www.test', 'other.test'), a('other.test', '10.9.9.9'), a('lb.test', '10.0.0.2')] }),
      part('www.test', 'A', { answers: [a('www.test', '10.8.8.8')] }),
    ]));
    assert.deepEqual((m.answers ?? []).filter((r) => r.type === 'CNAME').map((r) => (r as { data: string }).data), ['lb.test'], "the first answer's chain");
    assert.deepEqual((m.answers ?? []).filter((r) => r.type === 'A').map((r) => `${r.name} ${(r as { data: string }).data}`).sort(), ['lb.test 10.0.0.1', 'lb.test 10.0.0.2']);
  });

  it('keeps AA and AD only when every answer had them', () => {
    const both = decode(mergeAnswers([
      part('x.test', 'A', { answers: [a('x.test', '10.0.0.1')], aa: true, ad: true }),
      part('x.test', 'A', { answers: [a('x.test', '10.0.0.2')], aa: true, ad: true }),
    ]));
    assert.ok(both.flag_aa && both.flag_ad);
    const one = decode(mergeAnswers([
      part('x.test', 'A', { answers: [a('x.test', '10.0.0.1')], aa: true, ad: true }),
      part('x.test', 'A', { answers: [a('x.test', '10.0.0.2')] }),
    ]));
    assert.ok(!one.flag_aa && !one.flag_ad);
  });

  it("keeps the first answer's authority section", () => {
    const m = decode(mergeAnswers([
      part('x.test', 'A', { answers: [a('x.test', '10.0.0.1')], authorities: [soa('test')] }),
      part('x.test', 'A', { answers: [a('x.test', '10.0.0.2')] }),
    ]));
    assert.deepEqual((m.authorities ?? []).map((r) => r.type), ['SOA']);
  });

  it('merges nothing for one part, CNAME/SOA/ANY questions or signed answers', () => {
    const one = part('x.test', 'A', { answers: [a('x.test', '10.0.0.1')] });
    assert.equal(mergeAnswers([one]), null);
    assert.equal(mergeAnswers([part('x.test', 'CNAME', { answers: [cname('x.test', 'a.test')] }), part('x.test', 'CNAME', { answers: [cname('x.test', 'b.test')] })]), null);
    assert.equal(mergeAnswers([part('x.test', 'ANY', { answers: [a('x.test', '10.0.0.1')] }), part('x.test', 'ANY', { answers: [a('x.test', '10.0.0.2')] })]), null);
    const sig: Rec = { type: 'RRSIG', name: 'x.test', ttl: 60, class: 'IN', data: { typeCovered: 'A', algorithm: 8, labels: 2, originalTTL: 60, expiration: 1, inception: 0, keyTag: 1, signersName: 'test', signature: Buffer.alloc(8) } } as never;
    assert.equal(mergeAnswers([part('x.test', 'A', { answers: [a('x.test', '10.0.0.1'), sig] }), part('x.test', 'A', { answers: [a('x.test', '10.0.0.2')] })]), null);
  });

  it('leaves out records that would take the message past 65535 bytes', () => {
    const many = (base: number) => Array.from({ length: 1500 }, (_, i) => aaaa('big.test', `2001:db8::${(base + i).toString(16)}`));
    const m = mergeAnswers([
      part('big.test', 'AAAA', { answers: many(0) }),
      part('big.test', 'AAAA', { answers: many(0x4000) }),
    ]);
    assert.ok(m && m.length <= 65535);
    const d = decode(m);
    assert.ok((d.answers ?? []).length > 1500 && (d.answers ?? []).length < 3000);
  });

  it('never throws on mutated replies, and what it builds scans', () => {
    const r = new Prng(fuzzSeed(0x3e76e));
    let merged = 0;
    for (let i = 0; i < 3000; i++) {
      const query = sampleQuery(r, 'fuzz.test', `m${i}`);
      const parts: MergePart[] = [];
      for (let k = 0; k < 3; k++) {
        const base = sampleReply(r, query);
        const bytes = r.chance(0.3) ? base : mutate(base, r).bytes;
        const layout = scanMessage(bytes);
        if (layout !== null && layout.qEnd === scanMessage(base)?.qEnd && bytes.subarray(12, layout.qEnd).equals(base.subarray(12, layout.qEnd))) parts.push({ wire: bytes, layout });
      }
      const what = parts.map((p) => p.wire.toString('hex')).join(' ');
      let out: Buffer | null = null;
      assert.doesNotThrow(() => { out = mergeAnswers(parts); }, what);
      if (out === null) continue;
      merged++;
      assert.ok(scanMessage(out), `merged reply scans: ${what}`);
    }
    assert.ok(merged > 100, `merged ${merged}`);
  });
});
