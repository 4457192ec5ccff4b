/**
 * Compression pointer sites (pointers.ts): name lengths in place, the RDATA name fields per type,
 * and every pointer in owners and RDATA of a hand-compressed reply.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { scanMessage } from '../../../src/wire/layout.js';
import { nameLen, pointerSites, rdataNameOffsets } from '../../../src/wire/pointers.js';
import { bytes, COMPRESSED, compressedReply, header, pointer, question, record } from '../../helpers/wire-bytes.js';

const { Q_NAME } = COMPRESSED;
const Q_END = 12 + Q_NAME.length + 4;

describe('nameLen', () => {
  const rows: [string, Buffer, number, number][] = [
    ['the root', bytes(0), 0, 1],
    ['an uncompressed name', bytes(Q_NAME), 0, Q_NAME.length],
    ['a pointer', bytes(pointer(5)), 0, 2],
    ['labels then a pointer', bytes(3, 0x77, 0x77, 0x77, pointer(0)), 0, 6],
  ];
  for (const [what, msg, off, len] of rows) it(what, () => assert.equal(nameLen(msg, off), len));
});

describe('rdataNameOffsets', () => {
  const { msg } = compressedReply();
  const layout = scanMessage(msg);
  assert.ok(layout);
  it('finds the name fields of CNAME, MX and SOA, none for A', () => {
    const offsets = layout.records.map((r) => rdataNameOffsets(msg, r).map((o) => o - r.rdataOff));
    assert.deepEqual(offsets, [[0], [], [2], [0, 2]]);
  });
  const typed = (type: number) => ({ start: 0, typeOff: 0, type, section: 0, rdataOff: 10, rdlen: 0, end: 10 });
  const rows: [string, number, number[]][] = [['NS', 2, [10]], ['PTR', 12, [10]], ['DNAME', 39, [10]], ['SRV', 33, [16]], ['TXT', 16, []], ['AAAA', 28, []]];
  for (const [name, type, offsets] of rows) it(name, () => assert.deepEqual(rdataNameOffsets(msg, typed(type)), offsets));
});

describe('pointerSites', () => {
  it('lists every pointer in owners and RDATA names, in record order', () => {
    const { msg, sites } = compressedReply();
    const layout = scanMessage(msg);
    assert.ok(layout);
    assert.deepEqual(pointerSites(msg, layout), sites);
    assert.ok(sites.every((s) => (msg[s]! & 0xc0) === 0xc0));
  });
  it('is empty for an uncompressed reply and can be limited to some records', () => {
    const msg = bytes(header({ an: 1 }), question(Q_NAME), record(Q_NAME, 1, 60, [1, 2, 3, 4]));
    const layout = scanMessage(msg);
    assert.ok(layout);
    assert.deepEqual(pointerSites(msg, layout), []);
    const c = compressedReply();
    const cl = scanMessage(c.msg);
    assert.ok(cl);
    assert.deepEqual(pointerSites(c.msg, cl, cl.records.slice(1, 2)), [c.sites[2]]);
  });
  it('does not count the question', () => assert.ok(compressedReply().sites.every((s) => s >= Q_END)));
});
