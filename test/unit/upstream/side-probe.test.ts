import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { probeOf, SideProbe } from '../../../src/upstream/side-probe.js';
import type { ExchangeResult } from '../../../src/upstream/outcome.js';
import type { Upstream } from '../../../src/upstream/upstream.js';

/** A stand-in server whose exchange finishes when the test says. */
function server(label: string): { up: Upstream; sent: number; finish: (r: ExchangeResult) => void } {
  const s = {
    sent: 0,
    finish: (_r: ExchangeResult): void => assert.fail('no exchange'),
    up: null as unknown as Upstream,
  };
  s.up = {
    label,
    exchange: (_q: Buffer, _e: number, _t: number, done: (r: ExchangeResult) => void) => {
      s.sent++;
      s.finish = done;
    },
  } as unknown as Upstream;
  return s;
}

const timeout = (server: string): ExchangeResult => ({ kind: 'failure', reason: 'timeout', server });

describe('SideProbe', () => {
  it('sends the query once, at once', () => {
    const s = server('a');
    new SideProbe(s.up, Buffer.alloc(12), 12, 100, false);
    assert.equal(s.sent, 1);
  });

  it('hands a joiner the result that comes later', () => {
    const s = server('a');
    const p = new SideProbe(s.up, Buffer.alloc(12), 12, 100, false);
    const got: ExchangeResult[] = [];
    p.join((r) => got.push(r));
    assert.equal(got.length, 0);
    s.finish(timeout('a'));
    assert.deepEqual(got, [timeout('a')]);
    assert.equal(s.sent, 1);
  });

  it('hands a joiner the result that already came', () => {
    const s = server('a');
    const p = new SideProbe(s.up, Buffer.alloc(12), 12, 100, false);
    s.finish(timeout('a'));
    const got: ExchangeResult[] = [];
    p.join((r) => got.push(r));
    assert.deepEqual(got, [timeout('a')]);
    assert.equal(s.sent, 1);
  });

  it('keeps the result when nobody joins', () => {
    const s = server('a');
    new SideProbe(s.up, Buffer.alloc(12), 12, 100, false);
    assert.doesNotThrow(() => s.finish(timeout('a')));
  });
});

describe('probeOf', () => {
  it('finds the probe sent to a server, and none for the others', () => {
    const a = server('a');
    const b = server('b');
    const pa = new SideProbe(a.up, Buffer.alloc(12), 12, 100, false);
    assert.equal(probeOf([pa], a.up), pa);
    assert.equal(probeOf([pa], b.up), null);
    assert.equal(probeOf(null, a.up), null);
  });
});
