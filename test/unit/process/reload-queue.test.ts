/**
 * ReloadQueue (src/process/reload-queue.ts): reloads run one at a time; while one runs, the
 * requests that come are folded into one more reload, the newest request's; a reload that throws
 * is reported and does not stop the next.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { ReloadQueue } from '../../../src/process/reload-queue.js';

/** A reload that waits until `release()` is called. */
function gated(name: string, log: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    release: () => release(),
    task: async () => {
      log.push(`${name} start`);
      await gate;
      log.push(`${name} end`);
    },
  };
}

describe('ReloadQueue', () => {
  it('runs one reload at a time, and folds the requests made meanwhile into the newest', async () => {
    const log: string[] = [];
    const q = new ReloadQueue((err) => assert.fail(err));
    const a = gated('a', log);
    const b = gated('b', log);
    const c = gated('c', log);
    const first = q.request(a.task);
    await new Promise((r) => setImmediate(r));
    const second = q.request(b.task);
    const third = q.request(c.task);
    assert.deepEqual(log, ['a start'], 'the others wait while one runs');
    a.release();
    c.release();
    await first;
    await third;
    assert.equal(second, third, 'the folded request ends with the reload that ran for it');
    assert.deepEqual(log, ['a start', 'a end', 'c start', 'c end'], 'b was replaced by the newer c');
  });

  it('reports a reload that threw and goes on with the next', async () => {
    const errors: string[] = [];
    const q = new ReloadQueue((err) => errors.push(err.message));
    let ran = false;
    await q.request(async () => {
      throw new Error('gather broke');
    });
    await q.request(async () => {
      ran = true;
    });
    assert.deepEqual(errors, ['gather broke']);
    assert.equal(ran, true);
  });
});
