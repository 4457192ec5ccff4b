/**
 * Query padding for DNS over TLS (RFC 7830, RFC 8467 §4.1): every query comes out a multiple of
 * 128 octets, whatever its length, with its question and other EDNS options intact, read back by
 * dns-packet (a decoder nobody here wrote).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import dnsPacket from 'dns-packet';
import { padQuery, padReply, PADDING_OPTION, unpadded } from '../../../src/wire/edns-padding.js';
import { scanMessage } from '../../../src/wire/layout.js';

/** A query for `name` (A), with an OPT record carrying `options` when given. */
function query(name: string, options: { code: number; data: Buffer }[] | null): Buffer {
  const additionals = options === null ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: 4096, flags: dnsPacket.DNSSEC_OK, options }];
  return dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name, class: 'IN' }], additionals } as never);
}

/** The decoded OPT record of `msg`. */
function optOf(msg: Buffer): { udpPayloadSize: number; flags: number; options: { code: number; data: Buffer }[] } {
  const opt = (dnsPacket.decode(msg).additionals ?? []).find((a) => a.type === 'OPT');
  assert.ok(opt, 'an OPT record');
  return opt as never;
}

describe('padQuery', () => {
  it('pads every length to a multiple of 128, adding an OPT record to a query without one', () => {
    for (let n = 1; n <= 200; n++) {
      const name = `${'a'.repeat(1 + (n % 60))}.${'b'.repeat(1 + Math.floor(n / 60))}.example`;
      for (const q of [query(name, null), query(name, [])]) {
        const padded = padQuery(q);
        assert.equal(padded.length % 128, 0, `${name}: ${padded.length}`);
        assert.ok(padded.length >= q.length && padded.length < q.length + 128 + 15, `${q.length} -> ${padded.length}`);
        const d = dnsPacket.decode(padded);
        assert.deepEqual(d.questions, [{ type: 'A', name, class: 'IN' }]);
        assert.equal(d.id, 7);
        const pad = optOf(padded).options.filter((o) => o.code === PADDING_OPTION);
        assert.equal(pad.length, 1);
        assert.ok(pad[0]!.data.every((b) => b === 0), 'padding is zeros (RFC 7830 §3)');
      }
    }
  });

  it('keeps the OPT record\'s size, flags and other options, and replaces padding already there', () => {
    const ecs = { code: 8, data: Buffer.from([0, 1, 24, 0, 192, 0, 2]) };
    const q = query('www.example.com', [ecs, { code: PADDING_OPTION, data: Buffer.alloc(300) }]);
    const padded = padQuery(q);
    assert.equal(padded.length, 128);
    const opt = optOf(padded);
    assert.equal(opt.udpPayloadSize, 4096);
    assert.equal(opt.flags, dnsPacket.DNSSEC_OK);
    assert.deepEqual(opt.options.map((o) => o.code), [8, PADDING_OPTION]);
    assert.deepEqual(opt.options[0]!.data, ecs.data);
  });

  it('an added OPT record advertises 1232 octets and no flags; a message that does not scan is left alone', () => {
    const opt = optOf(padQuery(query('example.com', null)));
    assert.deepEqual([opt.udpPayloadSize, opt.flags], [1232, 0]);
    const junk = Buffer.from([1, 2, 3]);
    assert.equal(padQuery(junk), junk);
  });
});

describe('padReply', () => {
  /** A reply to `name` with `count` A records, with an OPT record (DO set, extended flags kept) unless `edns` is false. */
  const reply = (name: string, count: number, edns = true): Buffer => dnsPacket.encode({
    type: 'response', id: 9, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name, class: 'IN' }],
    answers: Array.from({ length: count }, (_, i) => ({ type: 'A', name, ttl: 60, data: `192.0.2.${(i % 250) + 1}` })),
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK, options: [] }] : [],
  } as never);

  it('pads a reply with EDNS to a multiple of 468 octets (RFC 8467 §4.1), records and OPT flags intact', () => {
    for (const count of [0, 1, 5, 30]) {
      const r = reply('padded.example', count);
      const padded = padReply(r);
      assert.equal(padded.length % 468, 0, `${count} records: ${padded.length}`);
      const d = dnsPacket.decode(padded);
      assert.equal(d.answers?.length, count);
      const opt = optOf(padded);
      assert.equal(opt.flags & dnsPacket.DNSSEC_OK, dnsPacket.DNSSEC_OK);
      assert.equal(opt.udpPayloadSize, 1232);
      assert.deepEqual(opt.options.map((o) => o.code), [PADDING_OPTION]);
    }
  });

  it('leaves a reply without EDNS as it is (no OPT record is added to a reply whose query had none)', () => {
    const r = reply('plain.example', 2, false);
    assert.equal(padReply(r), r);
  });

  it('leaves a reply as it is when padding would take it past 65,535 octets, or when it does not scan', () => {
    // 65,521 octets: the next multiple of 468 is 65,988.
    const big = dnsPacket.encode({
      type: 'response', id: 9, flags: 0, questions: [{ type: 'A', name: 'big.example', class: 'IN' }],
      answers: Array.from({ length: 2425 }, () => ({ type: 'A', name: 'big.example', ttl: 60, data: '192.0.2.1' })),
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [{ code: 65001, data: Buffer.from([1, 2]) }] }],
    } as never);
    assert.equal(big.length, 65521);
    assert.equal(padReply(big), big);
    const junk = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 1, 0xff]);
    assert.equal(padReply(junk), junk);
  });
});

describe('unpadded', () => {
  const opt = (msg: Buffer) => scanMessage(msg)!.opt;

  it('drops the Padding option and keeps the OPT record\'s size, flags and other options', () => {
    const padded = padQuery(query('www.example.com', [{ code: 10, data: Buffer.alloc(8, 1) }]));
    const bare = unpadded(padded, opt(padded));
    assert.ok(bare !== null);
    const o = optOf(bare);
    assert.deepEqual([o.udpPayloadSize, o.flags, o.options.map((x) => x.code)], [4096, dnsPacket.DNSSEC_OK, [10]]);
    assert.equal(dnsPacket.decode(bare).questions?.[0]?.name, 'www.example.com');
    assert.ok(bare.length < padded.length);
  });

  it('is null for a message without a Padding option or without an OPT record', () => {
    const plain = query('www.example.com', [{ code: 10, data: Buffer.alloc(8, 1) }]);
    assert.equal(unpadded(plain, opt(plain)), null);
    const noEdns = query('www.example.com', null);
    assert.equal(unpadded(noEdns, opt(noEdns)), null);
  });
});
