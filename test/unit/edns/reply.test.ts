/**
 * The reply side of a rewritten query: whether the cache may keep the answer (RFC 7871 §7.3: only
 * SCOPE 0, or no ECS, is valid for every client), and the ECS option the asker gets (§7.2.2: its
 * own back when it sent one, none otherwise).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { ednsReply } from '../../../src/edns/reply.js';
import { CacheRule, Rewritten } from '../../../src/edns/rewriter.js';
import { optOf } from '../../helpers/dns-client.js';
import { bytes, header, labels, opt, question, record, u16 } from '../../helpers/wire-bytes.js';

const ecs = (source: number, scope: number, addr: number[]) => [...u16(8), ...u16(4 + addr.length), 0, 1, source, scope, ...addr];
const COOKIE = [...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8];
const ANSWER = [...header({ flags2: 0x81, flags3: 0x80, an: 1 }), ...question(labels('p', 'test')), ...record(labels('p', 'test'), 1, 60, [192, 0, 2, 1])];
/** An upstream reply with an OPT carrying `rdata` (null: no OPT), and where its OPT starts. */
const upstream = (rdata: number[] | null): [Buffer, number] => {
  const msg = rdata === null ? bytes(ANSWER) : bytes(ANSWER, opt({ rdata }));
  msg.writeUInt16BE(rdata === null ? 0 : 1, 10);
  return [msg, rdata === null ? -1 : ANSWER.length];
};
const sent = (cache: number, clientEcs: number[] | null, kept = false, ownsEcs = true) =>
  new Rewritten(Buffer.alloc(0), '', cache as 0, clientEcs ? Buffer.from(clientEcs) : null, kept, ownsEcs);
/** The options of a reply's OPT as "code=hex", or null without an OPT. */
const options = (wire: Buffer) => optOf(dnsPacket.decode(wire))?.options?.map((o) => `${o.code}=${o.data.toString('hex')}`) ?? null;

describe('ednsReply: caching', () => {
  const rows: [string, number, number[] | null, boolean][] = [
    ['a client subnet sent, scope 0 back: global', CacheRule.IF_GLOBAL, ecs(24, 0, [127, 0, 0]), true],
    ['a client subnet sent, no ECS back: global (RFC 7871 §7.3)', CacheRule.IF_GLOBAL, [], true],
    ['a client subnet sent, no OPT back: global', CacheRule.IF_GLOBAL, null, true],
    ['a client subnet sent, scope 24 back: for that subnet only', CacheRule.IF_GLOBAL, ecs(24, 24, [127, 0, 0]), false],
    ['a fixed subnet sent, scope 24 back: the same for everyone', CacheRule.ALWAYS, ecs(24, 24, [1, 2, 3]), true],
    ['a MAC sent', CacheRule.NEVER, [], false],
  ];
  for (const [what, rule, rdata, want] of rows) {
    it(`${what}: ${want ? 'cached' : 'not cached'}`, () => {
      const [wire, at] = upstream(rdata);
      assert.equal(ednsReply(wire, at, sent(rule, null), 1232).cacheable, want);
    });
  }
});

describe('ednsReply: the ECS option the asker gets', () => {
  it('none for a client that sent none: the upstream\'s is removed, other options stay', () => {
    const [wire, at] = upstream([...COOKIE, ...ecs(24, 24, [127, 0, 0])]);
    const r = ednsReply(wire, at, sent(CacheRule.IF_GLOBAL, null), 1232);
    assert.deepEqual(options(r.wire), ['10=0102030405060708']);
    assert.equal(r.edited, true);
    assert.equal(r.optStart, at);
    assert.equal(r.optEnd, r.wire.length);
  });

  it('its own, with the upstream\'s scope, when it went upstream unchanged', () => {
    const mine = ecs(24, 0, [1, 2, 3]);
    const [wire, at] = upstream(ecs(24, 20, [1, 2, 3]));
    assert.deepEqual(options(ednsReply(wire, at, sent(CacheRule.IF_GLOBAL, mine, true), 1232).wire), ['8=00011814010203']);
  });

  it('its own with scope 0 when replaced and the answer is global', () => {
    const [wire, at] = upstream(ecs(24, 0, [127, 0, 0]));
    assert.deepEqual(options(ednsReply(wire, at, sent(CacheRule.IF_GLOBAL, ecs(16, 0, [10, 9])), 1232).wire), ['8=000110000a09']);
  });

  it('its own with its own source prefix as scope when replaced and the answer is scoped', () => {
    const [wire, at] = upstream(ecs(24, 24, [127, 0, 0]));
    assert.deepEqual(options(ednsReply(wire, at, sent(CacheRule.IF_GLOBAL, ecs(16, 0, [10, 9])), 1232).wire), ['8=000110100a09']);
  });

  it('its own in a new OPT when the upstream sent none', () => {
    const [wire] = upstream(null);
    const r = ednsReply(wire, -1, sent(CacheRule.ALWAYS, ecs(16, 0, [10, 9])), 1232);
    assert.deepEqual(options(r.wire), ['8=000110000a09']);
    assert.equal(r.optStart, wire.length);
    assert.equal(optOf(dnsPacket.decode(r.wire))?.udpPayloadSize, 1232);
  });

  it('the upstream bytes untouched when the ECS option is not fandns\'s business (add-mac, add-cpe-id only)', () => {
    const [wire, at] = upstream([...ecs(24, 24, [1, 2, 3])]);
    const r = ednsReply(wire, at, sent(CacheRule.ALWAYS, null, false, false), 1232);
    assert.equal(r.wire, wire);
    assert.equal(r.edited, false);
  });

  it('no OPT made for a client that sent no ECS when the upstream sent none', () => {
    const [wire] = upstream(null);
    const r = ednsReply(wire, -1, sent(CacheRule.IF_GLOBAL, null), 1232);
    assert.equal(r.wire, wire);
    assert.equal(r.optStart, -1);
  });
});
