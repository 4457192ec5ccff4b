/**
 * Restart delays: short after a worker that ran for a while, doubling while it keeps dying
 * quickly, capped, and starting over after a stable run.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { RestartBackoff } from '../../../src/process/backoff.js';

describe('RestartBackoff', () => {
  it('doubles the delay for quick deaths up to the cap', () => {
    const b = new RestartBackoff(100, 1000, 10_000);
    assert.deepEqual(Array.from({ length: 7 }, () => b.next(50)), [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('starts over after a worker ran for stableMs', () => {
    const b = new RestartBackoff(100, 1000, 10_000);
    b.next(0);
    b.next(0);
    assert.equal(b.next(0), 400);
    assert.equal(b.next(10_000), 100);
    assert.equal(b.next(0), 200);
  });

  it('stays at the cap however long a crash loop lasts', () => {
    const b = new RestartBackoff(200, 30_000, 10_000);
    let last = 0;
    for (let i = 0; i < 200; i++) last = b.next(1);
    assert.equal(last, 30_000);
  });
});
