/**
 * spliceAlias / cnameOnly (splice-alias.ts): the client's question, a CNAME to the target, then
 * the target reply's records relocated so that every compression pointer still names the same
 * bytes; null when the target reply cannot be relocated.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { scanMessage, type MessageLayout } from '../../../src/wire/layout.js';
import { encodeName } from '../../../src/wire/name.js';
import { parseQuery, type ParsedQuery } from '../../../src/wire/query-parse.js';
import { cnameOnly, spliceAlias, type AliasHop } from '../../../src/wire/splice-alias.js';
import { buildQuery } from '../../helpers/dns-client.js';
import { rr } from '../../helpers/fake-upstream.js';
import { bytes, COMPRESSED, compressedReply, header, opt, pointer, question, record } from '../../helpers/wire-bytes.js';

/** The hop for a client query `alias` (type A unless given) aliased to `target`. */
function hop(alias: string, target: string, ttl = 0, type = 'A'): AliasHop {
  const query = buildQuery(alias, { id: 0x2a2a, type });
  const p = parseQuery(query) as ParsedQuery;
  return { query, qEnd: p.qEnd, target: encodeName(target), ttl };
}

/** Scans and insists on success. */
function scanned(msg: Buffer): MessageLayout {
  const l = scanMessage(msg);
  assert.ok(l, 'message must scan');
  return l;
}

/** Answers as `name TYPE data ttl`. */
const answersOf = (msg: Buffer) =>
  (dnsPacket.decode(msg).answers ?? []).map((a) => {
    const r = a as { name: string; type: string; data: unknown; ttl: number };
    return `${r.name} ${r.type} ${typeof r.data === 'string' ? r.data : JSON.stringify(r.data)} ${r.ttl}`;
  });

describe('spliceAlias', () => {
  it('puts the CNAME before the target records (uncompressed target reply)', () => {
    const h = hop('Web.Example.Com', 'web.service.consul', 5);
    const t = dnsPacket.encode({
      type: 'response', id: 9, flags: 0,
      questions: [{ type: 'A', name: 'web.service.consul', class: 'IN' }],
      answers: [rr.a('web.service.consul', '10.1.0.1', 0), rr.a('web.service.consul', '10.1.0.2', 0)],
    });
    const out = spliceAlias(h, t, scanned(t), 0, false);
    assert.ok(out);
    const d = dnsPacket.decode(out);
    assert.equal(d.id, 0x2a2a);
    assert.equal(d.questions?.[0]?.name, 'Web.Example.Com');
    assert.deepEqual(answersOf(out), [
      'Web.Example.Com CNAME web.service.consul 5',
      'web.service.consul A 10.1.0.1 0',
      'web.service.consul A 10.1.0.2 0',
    ]);
    assert.equal(out[2]! & 0x04, 0, 'AA from the caller');
    assert.equal(out[3]! & 0x80, 0x80, 'RA');
  });

  it('relocates pointers into the target question and into its records', () => {
    const { msg: t } = compressedReply();
    const h = hop('alias.test', 'www.example.com', 60);
    const out = spliceAlias(h, t, scanned(t), 0, true);
    assert.ok(out);
    assert.deepEqual(answersOf(out), [
      'alias.test CNAME www.example.com 60',
      'www.example.com CNAME web.example.com 60',
      'web.example.com A 192.0.2.1 60',
    ]);
    const d = dnsPacket.decode(out);
    assert.deepEqual([d.authorities?.[0]?.name, (d.authorities?.[0] as { data: { exchange: string } }).data.exchange], ['example.com', 'mail.example.com']);
    assert.equal(d.additionals?.[0]?.type, 'SOA');
    assert.equal(out[2]! & 0x04, 0x04, 'AA when the caller says local');
    assert.equal(scanned(out).records.length, 5);
  });

  it('passes the RCODE and counts through, dropping a final OPT', () => {
    const Q = COMPRESSED.Q_NAME;
    const t = bytes(header({ flags2: 0x81, flags3: 0x83, ns: 1, ar: 1 }), question(Q), record(pointer(16), 6, 30, [...pointer(16), ...pointer(16), ...Array<number>(20).fill(0)]), opt());
    const out = spliceAlias(hop('nx.alias.test', 'www.example.com'), t, scanned(t), 3, false);
    assert.ok(out);
    assert.equal(out[3]! & 0x0f, 3);
    assert.deepEqual([out.readUInt16BE(6), out.readUInt16BE(8), out.readUInt16BE(10)], [1, 1, 0]);
    assert.equal(scanned(out).opt, null);
  });

  it('copies CD and RD from the client query', () => {
    const query = buildQuery('cd.alias.test', { cd: true, rd: false });
    const p = parseQuery(query) as ParsedQuery;
    const t = dnsPacket.encode({ type: 'response', id: 1, flags: 0, questions: [{ type: 'A', name: 't.test', class: 'IN' }], answers: [] });
    const out = spliceAlias({ query, qEnd: p.qEnd, target: encodeName('t.test'), ttl: 0 }, t, scanned(t), 0, true);
    assert.ok(out);
    assert.deepEqual([out[2]! & 0x01, out[3]! & 0x10], [0, 0x10]);
  });

  it('returns null for an OPT that is not the last record', () => {
    const Q = COMPRESSED.Q_NAME;
    const t = bytes(header({ flags2: 0x81, ar: 2 }), question(Q), opt(), record([0], 16, 0, [0]));
    assert.equal(spliceAlias(hop('a.test', 'www.example.com'), t, scanned(t), 0, false), null);
  });

  it('returns null for a pointer into the target QTYPE (one into its header does not even scan)', () => {
    const Q = COMPRESSED.Q_NAME;
    const intoHeader = bytes(header({ flags2: 0x81, an: 1 }), question(Q), record(pointer(4), 1, 60, [1, 2, 3, 4]));
    assert.equal(scanMessage(intoHeader), null);
    const qtypeAt = 12 + Q.length;
    const intoQtype = bytes(header({ flags2: 0x81, an: 1 }), question(Q, 0), record(pointer(qtypeAt), 1, 60, [1, 2, 3, 4]));
    assert.equal(spliceAlias(hop('a.test', 'www.example.com'), intoQtype, scanned(intoQtype), 0, false), null);
  });
});

describe('spliceAlias and loose pointers', () => {
  it('returns null for a pointer into the middle of a question label (such a name may read on past the question)', () => {
    // The target's first label is "a\x01b"; from its third byte on, the bytes read as "b.c".
    const Q = [3, 0x61, 1, 0x62, 1, 0x63, 0];
    const t = bytes(header({ flags2: 0x81, an: 1 }), question(Q), record(pointer(12), 5, 60, [3, ...Buffer.from('web'), ...pointer(12 + 2)]));
    const l = scanned(t);
    assert.equal(l.loose, true);
    const target = { ...hop('a.test', 'c'), target: Buffer.from(Q) };
    assert.equal(spliceAlias(target, t, l, 0, false), null);
    // The same reply pointing at the label "c" relocates.
    const ok = bytes(header({ flags2: 0x81, an: 1 }), question(Q), record(pointer(12), 5, 60, [3, ...Buffer.from('web'), ...pointer(12 + 4)]));
    const out = spliceAlias(target, ok, scanned(ok), 0, false);
    assert.ok(out);
    assert.deepEqual(answersOf(out).slice(1), ['a\x01b.c CNAME web.c 60']);
  });

  it('never gets a reply whose name reads from inside RDATA on through the next records: it does not scan (wire fuzz seed 214)', () => {
    // An SVCB whose RDATA "3f 77 65 62 c0 0c" is pointed at from its 3rd byte by the next owner: a
    // label of 63 bytes running on through the records after it, which the relocation rewrites.
    // Such a name reads past the pointer that led to it, so the reply is malformed (SERVFAIL).
    const t = Buffer.from(
      '5774818000010004000000013c787878785878785878785858787858585858787878ff787858785858787878787878787858787878587858787878787878787878787878785878587805413534383104667' +
      '55a5a04746573740000010001c00c004000010000003c00063f776562c00cc06a000100010000003c00040a000001c06a000100010000003c00040a000002c00c000f00010000003c0009000a046d61696cc00c00002904d0000000000000',
      'hex');
    assert.equal(scanMessage(t), null);
  });
});

describe('cnameOnly', () => {
  it('answers a CNAME query for the alias with just the CNAME, authoritative', () => {
    const out = cnameOnly(hop('Alias.Test', 'target.test', 30, 'CNAME'));
    assert.deepEqual(answersOf(out), ['Alias.Test CNAME target.test 30']);
    assert.equal(out[2]! & 0x04, 0x04);
    assert.deepEqual([out.readUInt16BE(4), out.readUInt16BE(6), out.readUInt16BE(8), out.readUInt16BE(10)], [1, 1, 0, 0]);
  });
});
