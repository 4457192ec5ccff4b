/**
 * Options inside an OPT record (RFC 6891 §6.1.2): encoding one, finding one, and editing the set
 * (keep some, append others, add an OPT where there was none) with RDLENGTH and ARCOUNT kept right.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { editOptions, encodeOption, findOption, optEnd } from '../../../src/wire/edns-options.js';
import { bytes, header, labels, opt, question, record, u16 } from '../../helpers/wire-bytes.js';

/** A query for e.test A whose OPT carries `rdata`, followed by `after` (more additional records). */
function query(rdata: number[], after: number[] = [], ar = 1): Buffer {
  return bytes(header({ ar }), question(labels('e', 'test')), opt({ udp: 1232, flags: 0x8000, rdata }), after);
}
const Q_END = 12 + 8 + 4;
const COOKIE = [...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8];
const ECS = [...u16(8), ...u16(7), 0, 1, 24, 0, 10, 0, 0];
const MAC = [...u16(65001), ...u16(6), 2, 0, 0, 0, 0, 1];
const all = () => true;

describe('encodeOption', () => {
  it('writes OPTION-CODE, OPTION-LENGTH, OPTION-DATA', () => {
    assert.deepEqual([...encodeOption(65074, Buffer.from('ab'))], [...u16(65074), ...u16(2), 0x61, 0x62]);
    assert.deepEqual([...encodeOption(12, new Uint8Array(0))], [...u16(12), ...u16(0)]);
  });
});

describe('findOption and optEnd', () => {
  const q = query([...COOKIE, ...ECS, ...MAC]);
  it('finds each option by code, or -1', () => {
    assert.equal(findOption(q, Q_END, 10), Q_END + 11);
    assert.equal(findOption(q, Q_END, 8), Q_END + 11 + COOKIE.length);
    assert.equal(findOption(q, Q_END, 65001), Q_END + 11 + COOKIE.length + ECS.length);
    assert.equal(findOption(q, Q_END, 65074), -1);
  });
  it('optEnd is past RDATA', () => assert.equal(optEnd(q, Q_END), q.length));
  it('never finds an option that runs past RDATA', () => {
    const cut = query([...COOKIE, ...u16(8), ...u16(40), 0, 1]);
    assert.equal(findOption(cut, Q_END, 8), -1);
  });
});

describe('editOptions', () => {
  it('keeps the options `keep` accepts, in order, then appends `extra`', () => {
    const q = query([...COOKIE, ...ECS, ...MAC]);
    const out = editOptions(q, Q_END, (c) => c !== 8, Buffer.from(ECS.map((b, i) => (i === 8 ? 99 : b))), 512);
    const rdata = [...COOKIE, ...MAC, ...ECS.map((b, i) => (i === 8 ? 99 : b))];
    assert.deepEqual([...out], [...query(rdata)]);
    assert.equal(q.readUInt16BE(Q_END + 9), COOKIE.length + ECS.length + MAC.length, 'the input is left alone');
  });

  it('can remove every option, leaving an empty OPT', () => {
    const out = editOptions(query([...ECS]), Q_END, () => false, new Uint8Array(0), 512);
    assert.deepEqual([...out], [...query([])]);
  });

  it('moves records after the OPT along with it', () => {
    const tail = record(labels('k'), 16, 0, [1, 0x78]);
    const q = query([...ECS], tail, 2);
    const out = editOptions(q, Q_END, () => false, Buffer.from(MAC), 512);
    assert.deepEqual([...out], [...query([...MAC], tail, 2)]);
  });

  it('without an OPT, appends one advertising udpSize (no DO) when there is something to add', () => {
    const q = bytes(header(), question(labels('e', 'test')));
    const out = editOptions(q, -1, all, Buffer.from(ECS), 512);
    assert.deepEqual([...out], [...bytes(header({ ar: 1 }), question(labels('e', 'test')), opt({ udp: 512, rdata: ECS }))]);
  });

  it('without an OPT and nothing to add, returns an equal copy', () => {
    const q = bytes(header(), question(labels('e', 'test')));
    const out = editOptions(q, -1, all, new Uint8Array(0), 512);
    assert.deepEqual(out, q);
    out[0] = 0xff;
    assert.equal(q[0], 0x12, 'a copy, not the input');
  });

  it('drops an option that runs past RDATA, and what follows it', () => {
    const q = bytes(header({ ar: 1 }), question(labels('e', 'test')), opt({ udp: 1232, flags: 0x8000, rdata: [...COOKIE, ...u16(8), ...u16(40), 0, 1] }));
    const out = editOptions(q, Q_END, all, new Uint8Array(0), 512);
    assert.deepEqual([...out], [...query(COOKIE)]);
  });
});
