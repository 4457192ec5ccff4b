import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { CaseEncoding } from '../../../src/upstream/case-encoding.js';
import { makeQuery } from '../../helpers/wire.js';

const NAME = 'www.example.com';

/** A sent query with its name in upper case, and replies echoing it as sent or in lower case. */
function exchange(): { sent: Buffer; qEnd: number; echo: Buffer; lower: Buffer } {
  const q = makeQuery(NAME);
  const sent = Buffer.from(q.msg);
  for (let i = 12; i < q.p.qEnd - 4; i++) if (sent[i]! >= 0x61 && sent[i]! <= 0x7a) sent[i] = sent[i]! & ~0x20;
  const echo = Buffer.from(sent);
  echo[2]! |= 0x80;
  const lower = Buffer.from(q.msg);
  lower[2]! |= 0x80;
  return { sent, qEnd: q.p.qEnd, echo, lower };
}

describe('CaseEncoding', () => {
  it('mixes the case of the name only', () => {
    const enc = new CaseEncoding(true, null);
    const q = makeQuery(NAME);
    const sent = Buffer.from(q.msg);
    enc.mix(sent, q.p.qEnd);
    assert.equal(sent.toString('latin1').toLowerCase(), q.msg.toString('latin1').toLowerCase());
    assert.deepEqual(sent.subarray(q.p.qEnd - 4), q.msg.subarray(q.p.qEnd - 4), 'type and class untouched');
  });

  it('keeps a reply that echoes the case, drops one that does not', () => {
    const enc = new CaseEncoding(true, null);
    const { sent, qEnd, echo, lower } = exchange();
    assert.equal(enc.drops(echo, sent, qEnd), false);
    assert.equal(enc.drops(lower, sent, qEnd), true);
    assert.equal(enc.on, true);
  });

  it('takes the third miss in a row, stops encoding and tells once', () => {
    let told = 0;
    const enc = new CaseEncoding(true, () => told++);
    const { sent, qEnd, lower } = exchange();
    assert.deepEqual([1, 2, 3].map(() => enc.drops(lower, sent, qEnd)), [true, true, false]);
    assert.equal(enc.on, false);
    assert.equal(told, 1);
  });

  it('starts counting again after a reply that kept the case, and after set()', () => {
    let told = 0;
    const enc = new CaseEncoding(true, () => told++);
    const { sent, qEnd, echo, lower } = exchange();
    enc.drops(lower, sent, qEnd);
    enc.drops(lower, sent, qEnd);
    enc.drops(echo, sent, qEnd);
    assert.equal(enc.drops(lower, sent, qEnd), true, 'one miss since the last kept case');
    enc.set(true);
    assert.equal(enc.drops(lower, sent, qEnd), true);
    assert.equal(enc.drops(lower, sent, qEnd), true, 'two misses since set()');
    assert.equal(told, 0);
  });

  it('tells the callback set last', () => {
    const calls: string[] = [];
    const enc = new CaseEncoding(true, () => calls.push('old'));
    enc.setOnNoCase(() => calls.push('new'));
    const { sent, qEnd, lower } = exchange();
    for (let i = 0; i < 3; i++) enc.drops(lower, sent, qEnd);
    assert.deepEqual(calls, ['new']);
  });
});
