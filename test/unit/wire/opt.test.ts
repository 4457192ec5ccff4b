/**
 * EDNS(0) OPT helpers (RFC 6891 §6.1): the exact bytes of a fresh OPT record, clamping the
 * advertised size in place, and adding or removing the record with ARCOUNT kept right.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { clampOptSize, EdeCode, OPT_SIZE, optRecord, withEdeOpt, withOpt, withoutAdditional } from '../../../src/wire/opt.js';
import { buildQuery } from '../../helpers/dns-client.js';
import { bytes, header, labels, opt, question, u16 } from '../../helpers/wire-bytes.js';

/** The OPT record of a decoded packet, typed loosely (dns-packet's OPT shape). */
const optOf = (msg: Buffer) =>
  (dnsPacket.decode(msg).additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize: number; flags: number; extendedRcode?: number } | undefined;

describe('optRecord', () => {
  const rows: [string, Buffer, number[]][] = [
    ['size 1232, no DO', optRecord(1232, false), opt({ udp: 1232 })],
    ['size 4096, DO', optRecord(4096, true), opt({ udp: 4096, flags: 0x8000 })],
    ['BADVERS (16) puts 1 in the extended RCODE byte', optRecord(1232, false, 16), opt({ udp: 1232, extRcode: 1 })],
    ['extended RCODE 0x123 keeps the upper 8 bits', optRecord(512, false, 0x123), opt({ udp: 512, extRcode: 0x12 })],
  ];
  for (const [what, rec, expected] of rows) it(what, () => assert.deepEqual([...rec], expected));

  it('is OPT_SIZE bytes', () => assert.equal(optRecord(512, false).length, OPT_SIZE));
});

describe('clampOptSize', () => {
  const rows: [number, number, number][] = [[4096, 1232, 1232], [1232, 1232, 1232], [600, 1232, 600], [512, 4096, 512]];
  for (const [sent, max, result] of rows) {
    it(`${sent} with max ${max} → ${result}`, () => {
      const msg = bytes(header({ ar: 1 }), question(labels('c', 'test')), opt({ udp: sent, flags: 0x8000 }));
      const start = msg.length - OPT_SIZE;
      const before = Buffer.from(msg);
      clampOptSize(msg, start, max);
      assert.equal(msg.readUInt16BE(start + 3), result);
      assert.deepEqual(msg.subarray(start + 5), before.subarray(start + 5), 'only the size changes');
    });
  }
});

describe('withOpt', () => {
  it('appends an OPT and raises ARCOUNT, leaving the input alone', () => {
    const q = buildQuery('add.test', { id: 9 });
    const out = withOpt(q, 1232, true);
    assert.equal(out.length, q.length + OPT_SIZE);
    assert.equal(out.readUInt16BE(10), 1);
    assert.equal(q.readUInt16BE(10), 0);
    const o = optOf(out);
    assert.equal(o?.udpPayloadSize, 1232);
    assert.equal(o?.flags, dnsPacket.DNSSEC_OK);
  });
});

describe('withEdeOpt', () => {
  it('appends an OPT carrying one Extended DNS Error option (RFC 8914 §2), without EXTRA-TEXT', () => {
    const q = buildQuery('ede.test', { id: 9 });
    const out = withEdeOpt(q, 1232, false, EdeCode.FILTERED);
    assert.deepEqual([...out.subarray(q.length)], opt({ udp: 1232, rdata: [0, 15, 0, 2, 0, 17] }));
    assert.equal(out.readUInt16BE(10), 1);
    const o = (dnsPacket.decode(out).additionals ?? [])[0] as { options?: { code: number; data: Buffer }[] };
    assert.deepEqual(o.options?.map((x) => [x.code, [...x.data]]), [[15, [0, 17]]]);
  });
});

describe('withoutAdditional', () => {
  it('removes the last additional record', () => {
    const q = buildQuery('rm.test', { id: 9, edns: 4096 });
    const start = q.length - OPT_SIZE;
    const out = withoutAdditional(q, start, q.length);
    assert.deepEqual([...out], [...q.subarray(0, 10), ...u16(0), ...q.subarray(12, start)]);
    assert.equal(optOf(out), undefined);
  });

  it('removes a record in the middle and keeps the one after it', () => {
    const a = [0, ...u16(1), ...u16(1), 0, 0, 0, 60, ...u16(4), 192, 0, 2, 1];
    const msg = bytes(header({ flags2: 0x81, ar: 2 }), question(labels('mid', 'test')), opt({ udp: 4096 }), a);
    const start = msg.length - a.length - OPT_SIZE;
    const out = withoutAdditional(msg, start, start + OPT_SIZE);
    assert.equal(out.readUInt16BE(10), 1);
    const p = dnsPacket.decode(out);
    assert.equal(p.additionals?.length, 1);
    assert.equal(p.additionals?.[0]?.type, 'A');
  });
});
