/**
 * withoutRecords: a message without some records reads the same for the records that stay, even
 * when their names were compressed against a record that goes (RFC 1035 §4.1.4).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { withoutRecords, recordClass } from '../../../src/wire/drop-records.js';
import { RRType } from '../../../src/wire/constants.js';
import { scanMessage } from '../../../src/wire/layout.js';

const message = (answers: dnsPacket.Answer[], additionals: dnsPacket.Answer[] = []) => dnsPacket.encode({
  type: 'response', id: 7, flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ type: 'ANY', name: 'q.test', class: 'IN' }], answers, additionals,
} as never);

describe('withoutRecords', () => {
  it('returns null when nothing goes', () => {
    const m = message([{ type: 'A', name: 'q.test', ttl: 5, class: 'IN', data: '192.0.2.1' }]);
    assert.equal(withoutRecords(m, scanMessage(m)!, () => false), null);
  });

  it('keeps the names of the records that stay when they pointed into one that goes', () => {
    // Built by hand: the MX exchange and the A owner are pointers into the CNAME's RDATA.
    const name = (...labels: string[]) => Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
    const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
    const head = Buffer.concat([u16(7), u16(0x8100), u16(1), u16(3), u16(0), u16(1)]);
    const question = Buffer.concat([name('q', 'test'), u16(255), u16(1)]);
    const target = name('mail', 'other', 'test');
    const cname = Buffer.concat([name('alias', 'q', 'test'), u16(5), u16(1), u16(0), u16(5), u16(target.length), target]);
    const targetAt = head.length + question.length + cname.length - target.length;
    const ptr = u16(0xc000 | targetAt);
    const mx = Buffer.concat([u16(0xc00c), u16(15), u16(1), u16(0), u16(5), u16(4), u16(1), ptr]);
    const a = Buffer.concat([ptr, u16(1), u16(1), u16(0), u16(5), u16(4), Buffer.from([192, 0, 2, 9])]);
    const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]);
    const m = Buffer.concat([head, question, cname, mx, a, opt]);
    const layout = scanMessage(m)!;
    assert.notEqual(layout, null);
    const out = withoutRecords(m, layout, (_msg, r) => r.type === RRType.CNAME)!;
    const p = dnsPacket.decode(out);
    assert.deepEqual(p.answers!.map((x) => [x.type, x.name, JSON.stringify((x as { data?: unknown }).data)]), [
      ['MX', 'q.test', JSON.stringify({ preference: 1, exchange: 'mail.other.test' })],
      ['A', 'mail.other.test', JSON.stringify('192.0.2.9')],
    ]);
    assert.equal(p.additionals!.length, 0, 'the OPT record is left for the caller');
    assert.notEqual(scanMessage(out), null);
  });

  it('counts what stays per section', () => {
    const m = message(
      [{ type: 'A', name: 'q.test', ttl: 5, class: 'IN', data: '192.0.2.1' }, { type: 'AAAA', name: 'q.test', ttl: 5, class: 'IN', data: '2001:db8::1' }],
      [{ type: 'AAAA', name: 'ns.test', ttl: 5, class: 'IN', data: '2001:db8::2' }],
    );
    const out = withoutRecords(m, scanMessage(m)!, (msg, r) => r.type === RRType.AAAA && r.section === 0 && recordClass(msg, r) === 1)!;
    assert.deepEqual([out.readUInt16BE(6), out.readUInt16BE(8), out.readUInt16BE(10)], [1, 0, 1]);
  });
});
