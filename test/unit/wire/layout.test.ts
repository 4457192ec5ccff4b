/**
 * scanMessage over real replies built with dns-packet and over hand-made compressed and malformed
 * ones: section counts, record offsets, the OPT record, and null for anything malformed.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { checkedNameEnd, scanMessage, Section, type MessageLayout } from '../../../src/wire/layout.js';
import { rr } from '../../helpers/fake-upstream.js';
import { bytes, compressedReply, header, labels, nameOfLength, opt, pointer, question, record, u16 } from '../../helpers/wire-bytes.js';

/** Encodes a response for `name` with the given sections. */
function reply(name: string, sections: Pick<dnsPacket.Packet, 'answers' | 'authorities' | 'additionals'>): Buffer {
  return dnsPacket.encode({ type: 'response', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name, class: 'IN' }], ...sections });
}

/** Scans and insists on success. */
function scanned(msg: Buffer): MessageLayout {
  const l = scanMessage(msg);
  assert.ok(l, 'expected a layout');
  return l;
}

const OPT_RR = { type: 'OPT', name: '.', udpPayloadSize: 4096, flags: 0 } as unknown as dnsPacket.Answer;

describe('scanMessage on dns-packet replies', () => {
  const msg = reply('www.example.com', {
    answers: [rr.cname('www.example.com', 'web.example.com', 30), rr.a('web.example.com', '192.0.2.1', 60), rr.a('web.example.com', '192.0.2.2', 60)],
    authorities: [rr.soa('example.com', 60, 300)],
    additionals: [rr.txt('info.example.com', 'hello'), OPT_RR],
  });
  const l = scanned(msg);

  it('counts the sections', () => {
    assert.deepEqual([l.ancount, l.nscount, l.arcount, l.records.length], [3, 1, 2, 6]);
    assert.deepEqual(l.records.map((r) => r.section), [0, 0, 0, 1, 2, 2].map((s) => [Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL][s]));
  });

  it('finds the end of the question', () => {
    assert.equal(l.qEnd, 12 + 17 + 4);
  });

  it('records type, RDATA and TTL offsets that point at the right bytes', () => {
    assert.deepEqual(l.records.map((r) => r.type), [5, 1, 1, 6, 16, 41]);
    const a = l.records[1]!;
    assert.deepEqual([...msg.subarray(a.rdataOff, a.rdataOff + a.rdlen)], [192, 0, 2, 1]);
    assert.equal(msg.readUInt32BE(a.typeOff + 4), 60);
    assert.equal(a.end, l.records[2]!.start);
    assert.equal(l.records.at(-1)!.end, msg.length);
  });

  it('finds the OPT record', () => {
    assert.ok(l.opt);
    assert.equal(l.opt.type, 41);
    assert.equal(msg.readUInt16BE(l.opt.start + 3), 4096);
    assert.equal(l.opt.end, msg.length);
  });

  it('has no OPT when the reply carries none', () => {
    assert.equal(scanned(reply('a.test', { answers: [rr.a('a.test', '192.0.2.3')] })).opt, null);
  });

  it('scans an empty NXDOMAIN-style reply', () => {
    const e = scanned(reply('nx.test', {}));
    assert.deepEqual([e.records.length, e.qEnd], [0, 12 + 9 + 4]);
  });

  it('scans SRV and MX records', () => {
    const mx = { type: 'MX', name: 'm.test', ttl: 60, class: 'IN', data: { preference: 10, exchange: 'mail.m.test' } } as dnsPacket.Answer;
    const s = scanned(reply('m.test', { answers: [mx, rr.srv('_x._tcp.m.test', 'host.m.test', 8600)] }));
    assert.deepEqual(s.records.map((r) => r.type), [15, 33]);
  });
});

describe('scanMessage on compressed replies', () => {
  const EXAMPLE = labels('www', 'example', 'com');
  /** Question www.example.com, answer owner = pointer to it, CNAME target = "web" + pointer to "example.com". */
  const msg = bytes(
    header({ flags2: 0x81, flags3: 0x80, an: 2 }),
    question(EXAMPLE),
    record(pointer(12), 5, 30, [3, ...Buffer.from('web'), ...pointer(16)]),
    record(pointer(12 + EXAMPLE.length + 4 + 12), 1, 60, [192, 0, 2, 9]),
  );

  it('follows backward pointers in owners and RDATA', () => {
    const l = scanned(msg);
    assert.deepEqual(l.records.map((r) => [r.type, r.typeOff - r.start]), [[5, 2], [1, 2]]);
    assert.equal(l.records[1]!.end, msg.length);
  });
});

describe('scanMessage: loose pointers', () => {
  const Q = labels('www', 'example', 'com');
  const EXAMPLE_AT = 12 + 4;
  it('calls a message whose pointers all land on labels of earlier names tight', () => {
    assert.equal(scanned(compressedReply().msg).loose, false);
    assert.equal(scanned(bytes(header({ an: 1 }), question(Q), record(pointer(EXAMPLE_AT), 1, 60, [1, 2, 3, 4]))).loose, false);
  });

  it('calls a pointer into the middle of a label loose (the name reads on through other bytes)', () => {
    // The question's first label is "a\x01b": from its third byte on, the bytes read as the name "b.c".
    const odd = [3, 0x61, 1, 0x62, 1, 0x63, 0];
    const into = bytes(header({ an: 1 }), question(odd), record(pointer(12 + 2), 1, 60, [1, 2, 3, 4]));
    assert.equal(scanned(into).loose, true);
    assert.equal(scanned(bytes(header({ an: 1 }), question(odd), record(pointer(12 + 4), 1, 60, [1, 2, 3, 4]))).loose, false, 'the label "c" is a suffix');
    const midTtl = bytes(header({ an: 2 }), question(Q), record(pointer(12), 1, 0, [1, 2, 3, 4]), record(pointer(12 + Q.length + 4 + 2 + 4 + 3), 1, 60, [1, 2, 3, 4]));
    assert.equal(scanned(midTtl).loose, true, 'a pointer to a TTL byte that happens to read as the root name');
  });

  it('accepts a pointer to a name in RDATA it does not read as names (an SVCB target, an RRSIG signer), when that name ends there', () => {
    // HTTPS (65): priority 1, TargetName svc.example.net, no parameters; then an A record owned by that target.
    const httpsAt = 12 + Q.length + 4;
    const target = labels('svc', 'example', 'net');
    const https = record(pointer(12), 65, 60, [0, 1, ...target]);
    const msg = bytes(header({ an: 1, ar: 1 }), question(Q, 65), https, record(pointer(httpsAt + 12 + 2), 1, 60, [1, 2, 3, 4]));
    assert.equal(scanned(msg).loose, false);
    // Pointing at "example.net" inside it, and from there on through a pointer of its own, too.
    const suffix = bytes(header({ an: 1, ar: 1 }), question(Q, 65), https, record([3, 0x77, 0x77, 0x77, ...pointer(httpsAt + 12 + 2 + 4)], 1, 60, [1, 2, 3, 4]));
    assert.equal(scanned(suffix).loose, false);
  });

  it('calls a pointer into RDATA loose when the name it reads runs past that RDATA', () => {
    // An A record's address 3.97.98.99 reads as the label "abc", which ends in the next record's owner (the root).
    const aAt = 12 + Q.length + 4;
    const msg = bytes(header({ an: 3 }), question(Q), record(pointer(12), 1, 60, [3, 0x61, 0x62, 0x63]), record([0], 1, 60, [5, 6, 7, 8]), record(pointer(aAt + 12), 1, 60, [1, 2, 3, 4]));
    assert.equal(scanned(msg).loose, true);
    // A name in RDATA that does end there (here inside a TXT string) is as good as any: those bytes never change.
    const txt = bytes(header({ an: 2 }), question(Q), record(pointer(12), 16, 60, [3, 0x61, 0x62, 0x63, 0]), record(pointer(aAt + 12), 1, 60, [1, 2, 3, 4]));
    assert.equal(scanned(txt).loose, false);
  });

  it('judges each message on its own', () => {
    const loose = bytes(header({ an: 2 }), question(Q), record(pointer(12), 1, 0, [1, 2, 3, 4]), record(pointer(12 + Q.length + 4 + 2 + 4 + 3), 1, 60, [1, 2, 3, 4]));
    assert.equal(scanned(loose).loose, true);
    assert.equal(scanned(compressedReply().msg).loose, false);
  });
});

describe('scanMessage rejects malformed messages', () => {
  const Q = question(labels('m', 'test'));
  const A = record([0], 1, 60, [1, 2, 3, 4]);
  const good = bytes(header({ an: 1 }), Q, A);
  const rows: [string, Buffer][] = [
    ['fewer than 12 bytes', good.subarray(0, 11)],
    ['a record cut by one byte', good.subarray(0, good.length - 1)],
    ['a question cut short', bytes(header(), labels('m', 'test'), u16(1))],
    ['more records counted than present', bytes(header({ an: 2 }), Q, A)],
    ['RDLENGTH past the end', bytes(header({ an: 1 }), Q, [0, ...u16(1), ...u16(1), 0, 0, 0, 60, ...u16(9), 1, 2, 3, 4])],
    ['a forward pointer in an owner', bytes(header({ an: 1 }), Q, record(pointer(40), 1, 60, [1, 2, 3, 4]), 0)],
    ['a pointer into the header in an owner', bytes(header({ an: 1 }), Q, record(pointer(4), 1, 60, [1, 2, 3, 4]))],
    ['a pointer to itself in an owner', bytes(header({ an: 1 }), Q, record(pointer(12 + Q.length), 1, 60, [1, 2, 3, 4]))],
    ['a CNAME whose RDATA is not a name', bytes(header({ an: 1 }), Q, record([0], 5, 60, [5, 0x61]))],
    ['a CNAME with bytes after its name', bytes(header({ an: 1 }), Q, record([0], 5, 60, [1, 0x61, 0, 9]))],
    ['an MX with RDATA too short', bytes(header({ an: 1 }), Q, record([0], 15, 60, [0]))],
    ['an SRV with a bad target', bytes(header({ an: 1 }), Q, record([0], 33, 60, [0, 1, 0, 1, 0, 53, 0x45]))],
    ['an SOA with the wrong RDATA length', bytes(header({ ns: 1 }), Q, record([0], 6, 60, [0, 0, 1, 2, 3]))],
    ['an OPT record in the answer section', bytes(header({ an: 1 }), Q, opt())],
    ['two OPT records', bytes(header({ ar: 2 }), Q, opt(), opt())],
    // RFC 6891 §6.1.2: the owner is the root. Found by the reply fuzz (seed 102): fandns patched the
    // client's UDP size and DO bit at fixed offsets from the record's start, into the owner name.
    ['an OPT record owned by a name', bytes(header({ ar: 1 }), Q, opt({ owner: labels('second') }))],
    ['an OPT record owned by a pointer to the root', bytes(header({ ar: 1 }), Q, opt({ owner: pointer(12 + Q.length - 5) }))],
    ['an owner name of 256 octets', bytes(header({ an: 1 }), Q, record(nameOfLength(256), 1, 60, [1, 2, 3, 4]))],
    // RFC 1035 §4.1.4: a pointer names a prior occurrence. Here it lands on the question's QTYPE byte
    // 0x21, a 33-byte label that runs on over the pointer itself and ends in the next record.
    ['a name that reads on past the pointer that led to it', bytes(header({ an: 2 }), question(labels('m', 'test'), 33),
      record(pointer(12 + Q.length - 3), 1, 60, [1, 2, 3, 4]), record([0], 16, 60, new Array<number>(40).fill(0)))],
    // Reply fuzz seed 431: a CNAME's target points into the question's first label ("f3564": the
    // byte "3" reads as a 51-byte label) and reads on to the end of the OPT. Without the OPT (a
    // client without EDNS) the name ran off the end, and the client got a message that did not scan.
    ['a name that reads on into the OPT record (reply fuzz seed 431)', Buffer.from(
      'a209818000010004000000010566333536340466557a7a04544553740000210001c00c000500010000003c000603776562c00ec02d00010001' +
      '0000003c00040a000001c02d000100090000003c00040a020002c00c000f00010000003c0009000a046d61696cc00c0000290172000000000000', 'hex')],
    // The OPT is rewritten in place or cut out on the way to the client: no name may point at it or past it.
    ['a pointer into the OPT record', bytes(header({ ar: 2 }), Q, opt(), record(pointer(12 + Q.length), 1, 60, [1, 2, 3, 4]))],
    ['a pointer past the OPT record', bytes(header({ ar: 3 }), Q, opt(), record(labels('x'), 1, 60, [1, 2, 3, 4]),
      record(pointer(12 + Q.length + 11), 1, 60, [1, 2, 3, 4]))],
  ];
  for (const [what, msg] of rows) it(what, () => assert.equal(scanMessage(msg), null));

  it('accepts the valid base message', () => assert.equal(scanned(good).records.length, 1));
  it('accepts a record after the OPT whose owner points before it', () => {
    const l = scanned(bytes(header({ an: 1, ar: 2 }), Q, A, opt(), record(pointer(12), 1, 60, [1, 2, 3, 4])));
    assert.deepEqual(l.records.map((r) => r.type), [1, 41, 1]);
  });
  it('accepts an owner name of exactly 255 octets', () => {
    assert.ok(scanMessage(bytes(header({ an: 1 }), Q, record(nameOfLength(255), 1, 60, [1, 2, 3, 4]))));
  });
});

describe('checkedNameEnd', () => {
  const rows: [string, Buffer, number, number][] = [
    ['a plain name', bytes(labels('a', 'b')), 0, 5],
    ['a pointer after labels', bytes(header(), labels('a'), 1, 0x62, pointer(12)), 15, 19],
    ['a pointer into the header', bytes(header(), 1, 0x62, pointer(4)), 12, -1],
    ['a name of 255 octets', bytes(nameOfLength(255)), 0, 255],
    ['a name of 256 octets', bytes(nameOfLength(256)), 0, -1],
    ['a forward pointer', bytes(pointer(2), 0), 0, -1],
    ['a label of 64', bytes(labels('x'.repeat(64))), 0, -1],
  ];
  for (const [what, msg, off, end] of rows) it(what, () => assert.equal(checkedNameEnd(msg, off), end));
});
