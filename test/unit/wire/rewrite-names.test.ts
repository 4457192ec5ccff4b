/**
 * compressToQuestion (rewrite-names.ts): after the rewrite no pointer targets anything past the
 * question, the records decode to the same data, records can be reordered, and names are only
 * compressed against a question suffix that is the same name (RFC 4343: ASCII case only).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { scanMessage, type MessageLayout } from '../../../src/wire/layout.js';
import { compressToQuestion, hasPointerInto } from '../../../src/wire/rewrite-names.js';
import { rr } from '../../helpers/fake-upstream.js';
import { bytes, compressedReply, header, labels, pointer, question, record } from '../../helpers/wire-bytes.js';

/** Scans and insists on success. */
function scanned(msg: Buffer): MessageLayout {
  const l = scanMessage(msg);
  assert.ok(l, 'message must scan');
  return l;
}

/** ASCII-only lower-casing (RFC 4343): owners may take the question's letter case. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Every record's owner (ASCII lower-cased), type and data, as dns-packet decodes them. */
const recordsOf = (msg: Buffer) => {
  const p = dnsPacket.decode(msg);
  return [...(p.answers ?? []), ...(p.authorities ?? []), ...(p.additionals ?? [])].map((a) =>
    JSON.stringify([asciiLower(a.name), a.type, (a as { data?: unknown }).data]));
};

/** Rewrites and checks the invariants every rewrite must keep. */
function rewritten(msg: Buffer): Buffer {
  const layout = scanned(msg);
  const out = compressToQuestion(msg, layout);
  const outLayout = scanned(out);
  assert.equal(hasPointerInto(out, outLayout, outLayout.qEnd, out.length), false, 'no pointer past the question');
  assert.deepEqual(recordsOf(out), recordsOf(msg), 'same records');
  assert.deepEqual(out.subarray(0, layout.qEnd), msg.subarray(0, layout.qEnd), 'header and question unchanged');
  return out;
}

describe('hasPointerInto', () => {
  const { msg } = compressedReply();
  const layout = scanned(msg);
  it('sees pointers into the records', () => assert.equal(hasPointerInto(msg, layout, layout.qEnd, msg.length), true));
  it('sees pointers into the question', () => assert.equal(hasPointerInto(msg, layout, 12, layout.qEnd), true));
  it('sees none past the end', () => assert.equal(hasPointerInto(msg, layout, msg.length, msg.length + 10), false));
});

describe('compressToQuestion', () => {
  it('rewrites a reply compressed every way, keeping every record', () => {
    const out = rewritten(compressedReply().msg);
    const l = scanned(out);
    assert.equal(l.records.length, 4);
  });

  it('keeps working after records are swapped (rotation)', () => {
    const out = rewritten(compressedReply().msg);
    const [a, b] = scanned(out).records;
    assert.ok(a && b);
    const swapped = Buffer.concat([out.subarray(0, a.start), out.subarray(b.start, b.end), out.subarray(a.start, a.end), out.subarray(b.end)]);
    assert.deepEqual(recordsOf(swapped).slice(0, 2), recordsOf(out).slice(0, 2).reverse());
  });

  it('compresses owners equal to the question, ignoring ASCII case', () => {
    const msg = dnsPacket.encode({
      type: 'response', id: 1, flags: 0,
      questions: [{ type: 'A', name: 'WWW.Example.com', class: 'IN' }],
      answers: [rr.a('www.example.com', '192.0.2.1'), rr.a('www.example.com', '192.0.2.2')],
    });
    const out = rewritten(msg);
    const l = scanned(out);
    assert.ok(l.records.every((r) => out[r.start] === 0xc0 && out[r.start + 1] === 12));
    assert.ok(out.length < msg.length);
  });

  it('never compresses an SRV target or a DNAME target', () => {
    const srv = rr.srv('_x._tcp.example.com', 'example.com', 80);
    const dname = { type: 'DNAME', name: 'example.com', ttl: 60, class: 'IN', data: 'example.com' } as dnsPacket.Answer;
    const msg = dnsPacket.encode({ type: 'response', id: 1, flags: 0, questions: [{ type: 'SRV', name: 'example.com', class: 'IN' }], answers: [srv, dname] });
    const out = rewritten(msg);
    const [s, d] = scanned(out).records;
    assert.ok(s && d);
    assert.notEqual(out[s.rdataOff + 6]! & 0xc0, 0xc0, 'SRV target written out');
    assert.notEqual(out[d.rdataOff]! & 0xc0, 0xc0, 'DNAME target written out');
  });

  it('does not merge names that differ in a non-ASCII letter (RFC 4343 §3)', () => {
    // Question \xc4.test (Ä in latin1), answer owner \xe4.test (ä): different names on the wire.
    const msg = bytes(header({ flags2: 0x81, an: 1 }), question(labels('\xc4', 'test')), record(labels('\xe4', 'test'), 1, 60, [192, 0, 2, 1]));
    const out = rewritten(msg);
    const owner = scanned(out).records[0]!.start;
    assert.deepEqual([...out.subarray(owner, owner + 4)], [1, 0xe4, 0xc0, 14], 'own first label, then a pointer to "test"');
  });

  it('does not merge a label holding a dot with two labels', () => {
    // Question has one label "a.b"; the owner is the two-label name a.b.test.
    const msg = bytes(header({ flags2: 0x81, an: 1 }), question(labels('a.b', 'test')), record(labels('a', 'b', 'test'), 1, 60, [192, 0, 2, 1]));
    const out = rewritten(msg);
    const owner = scanned(out).records[0]!.start;
    assert.deepEqual([...out.subarray(owner, owner + 6)], [1, 0x61, 1, 0x62, 0xc0, 16], 'two labels, then a pointer to "test"');
  });

  it('copies OPT and unknown types unchanged', () => {
    const txt = rr.txt('www.example.com', 'hello');
    const opt = { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as unknown as dnsPacket.Answer;
    const msg = dnsPacket.encode({ type: 'response', id: 1, flags: 0, questions: [{ type: 'TXT', name: 'www.example.com', class: 'IN' }], answers: [txt], additionals: [opt] });
    const out = rewritten(msg);
    assert.ok(scanned(out).opt);
  });

  it('handles a pointer chain through the question', () => {
    const Q = labels('www', 'example', 'com');
    const msg = bytes(header({ flags2: 0x81, an: 1 }), question(Q), record([4, ...Buffer.from('mail'), ...pointer(16)], 1, 60, [192, 0, 2, 5]));
    rewritten(msg);
  });
});
