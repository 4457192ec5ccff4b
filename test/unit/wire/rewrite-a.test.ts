/** rewriteAddresses: class IN A records of the answer and additional sections, in place, one pass. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { rewriteAddresses, type AddressMap } from '../../../src/wire/rewrite-a.js';
import { scanMessage } from '../../../src/wire/layout.js';

/** 10.x.y.z -> 20.x.y.z; anything else is left. */
const tenToTwenty: AddressMap = (a) => ((a >>> 24) === 10 ? ((a & 0x00ffffff) | (20 << 24)) >>> 0 : -1);

/** Encodes a reply, rewrites it, and returns the count and the decoded result. */
function run(sections: Partial<Pick<dnsPacket.Packet, 'answers' | 'authorities' | 'additionals'>>, map = tenToTwenty) {
  const wire = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x.test' }], ...sections } as never);
  const layout = scanMessage(wire);
  assert.ok(layout);
  const before = Buffer.from(wire);
  const changed = rewriteAddresses(wire, layout, map);
  assert.equal(wire.length, before.length, 'in place: same length');
  return { changed, p: dnsPacket.decode(wire), before };
}

const a = (name: string, data: string, more: Partial<dnsPacket.Answer> = {}) => ({ type: 'A', name, data, ttl: 60, ...more }) as dnsPacket.Answer;
const data = (rs: dnsPacket.Answer[] | undefined) => (rs ?? []).map((r) => `${r.type} ${String((r as { data: unknown }).data)}`);

describe('rewriteAddresses', () => {
  it('rewrites A records of the answer section, through a CNAME, and leaves the rest', () => {
    const { changed, p } = run({ answers: [
      { type: 'CNAME', name: 'x.test', data: 'y.test', ttl: 60 }, a('y.test', '10.1.2.3'), a('y.test', '11.1.2.3'),
      { type: 'AAAA', name: 'y.test', data: '::ffff:10.1.2.3', ttl: 60 },
    ] });
    assert.equal(changed, 1);
    assert.deepEqual(data(p.answers), ['CNAME y.test', 'A 20.1.2.3', 'A 11.1.2.3', 'AAAA ::ffff:a01:203']);
    assert.equal((p.answers?.[1] as { ttl?: number } | undefined)?.ttl, 60, 'TTL kept');
  });

  it('rewrites the additional section, not the authority section', () => {
    const { changed, p } = run({
      answers: [{ type: 'MX', name: 'x.test', data: { preference: 1, exchange: 'mx.test' }, ttl: 60 }],
      authorities: [a('ns.test', '10.0.0.1')],
      additionals: [a('mx.test', '10.0.0.2')],
    });
    assert.equal(changed, 1);
    assert.deepEqual(data(p.authorities), ['A 10.0.0.1']);
    assert.deepEqual(data(p.additionals), ['A 20.0.0.2']);
  });

  it('leaves other classes and changes nothing when no address maps', () => {
    const { changed, p } = run({ answers: [a('x.test', '10.0.0.1', { class: 'CH' } as never)] });
    assert.equal(changed, 0);
    assert.deepEqual(data(p.answers), ['A 10.0.0.1']);
    const none = run({ answers: [a('x.test', '1.2.3.4')] });
    assert.equal(none.changed, 0);
  });

  it('counts an address mapped to itself', () => {
    assert.equal(run({ answers: [a('x.test', '10.0.0.1')] }, (x) => x).changed, 1);
  });

  it('writes the full 32 bits (addresses above 2^31)', () => {
    const { p } = run({ answers: [a('x.test', '10.0.0.1')] }, () => 0xfffefdfc);
    assert.deepEqual(data(p.answers), ['A 255.254.253.252']);
  });

  it('skips an A record whose RDLENGTH is not 4', () => {
    const wire = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x.test' }], answers: [a('x.test', '10.0.0.1')] } as never);
    // Grow the record's RDATA to 5 bytes: RDLENGTH at the end minus 6, one byte appended.
    const long = Buffer.concat([wire, Buffer.from([0])]);
    long.writeUInt16BE(5, wire.length - 6);
    const layout = scanMessage(long);
    assert.ok(layout);
    assert.equal(rewriteAddresses(long, layout, tenToTwenty), 0);
    assert.equal(long[wire.length - 4], 10);
  });
});
