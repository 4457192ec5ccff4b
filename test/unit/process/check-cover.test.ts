/**
 * Which worker covers the health checks of slots being refilled (src/process/check-cover.ts),
 * with stand-in workers: the first serving worker is told the vacant slots, told again only when
 * they change, told to stop once every slot serves, and replaced by another if it exits.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { Worker } from 'node:cluster';
import { CheckCoverage, type CoverSlot } from '../../../src/process/check-cover.js';
import type { CheckCover } from '../../../src/process/cluster-ipc.js';

function fakeWorker(connected = () => true) {
  const sent: (readonly number[])[] = [];
  const worker = { isConnected: connected, send: (m: CheckCover, _h: unknown, cb: () => void) => (sent.push(m.slots), cb(), true) };
  return { worker: worker as unknown as Worker, sent };
}

describe('CheckCoverage', () => {
  it('has the first serving worker cover the vacant slots, and stop once they serve', () => {
    const [a, b, c] = [fakeWorker(), fakeWorker(), fakeWorker()];
    const cover = new CheckCoverage();
    const slots = (serving: readonly boolean[]): CoverSlot[] => [a, b, c].map((w, index) => ({ index, serving: serving[index]!, worker: w.worker }));
    cover.update(slots([true, true, true]));
    assert.deepEqual([a.sent, b.sent, c.sent], [[], [], []], 'nothing vacant, nothing said');
    cover.update(slots([true, false, true]));
    assert.deepEqual(a.sent, [[2]]);
    cover.update(slots([true, false, true]));
    assert.deepEqual(a.sent, [[2]], 'told once');
    cover.update(slots([true, false, false]));
    assert.deepEqual(a.sent, [[2], [2, 3]]);
    cover.update(slots([true, true, true]));
    assert.deepEqual(a.sent, [[2], [2, 3], []]);
    assert.deepEqual([b.sent, c.sent], [[], []]);
  });

  it('moves the cover to another worker when the covering one exits', () => {
    let aAlive = true;
    const a = fakeWorker(() => aAlive);
    const b = fakeWorker();
    const cover = new CheckCoverage();
    cover.update([{ index: 0, serving: true, worker: a.worker }, { index: 1, serving: true, worker: b.worker }, { index: 2, serving: false, worker: null }]);
    assert.deepEqual(a.sent, [[3]]);
    aAlive = false;
    cover.update([{ index: 0, serving: false, worker: null }, { index: 1, serving: true, worker: b.worker }, { index: 2, serving: false, worker: null }]);
    assert.deepEqual(b.sent, [[1, 3]]);
    assert.deepEqual(a.sent, [[3]], 'nothing sent to a worker that is gone');
    cover.update([{ index: 0, serving: false, worker: null }, { index: 1, serving: false, worker: null }, { index: 2, serving: false, worker: null }]);
    assert.deepEqual(b.sent, [[1, 3], []], 'no worker serves: the last one is told to stop');
  });
});
