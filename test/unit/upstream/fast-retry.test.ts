/**
 * The fast-dns-retry schedule as pure arithmetic: copies at first, 3×first, 7×first… after the
 * first send (each wait twice the one before), none at or past the retry time or the attempt's
 * end; what dnsmasq 2.90 sent with 1000,10000 (0, 1, 3, 7 s) and 250,3000 (0, 0.25, 0.75, 1.75 s).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { firstCopyAt, nextCopyAt } from '../../../src/upstream/fast-retry.js';

/** The times copies go out for a query sent at `t0` whose attempt ends at `deadline`, each sent when due. */
function schedule(firstMs: number, totalMs: number, t0: number, deadline: number): number[] {
  const out: number[] = [];
  const end = Math.min(t0 + totalMs, deadline);
  let gap = firstMs;
  for (let at = firstCopyAt({ firstMs, totalMs }, t0, deadline); at !== Infinity; at = nextCopyAt(at, gap, end)) {
    out.push(at - t0);
    gap *= 2;
  }
  return out;
}

describe('fast-dns-retry schedule', () => {
  it('doubles the wait, as dnsmasq 2.90 did (1000,10000: copies at 1, 3 and 7 s)', () => {
    assert.deepEqual(schedule(1000, 10_000, 5000, Infinity), [1000, 3000, 7000]);
    assert.deepEqual(schedule(250, 3000, 0, Infinity), [250, 750, 1750]);
  });

  it('sends no copy at or past the retry time, in milliseconds', () => {
    assert.deepEqual(schedule(250, 750, 0, Infinity), [250], 'the copy due at 750 ms is not sent');
    assert.deepEqual(schedule(250, 751, 0, Infinity), [250, 750]);
    assert.deepEqual(schedule(250, 500, 0, Infinity), [250], 'dnsmasq sends none here (whole seconds)');
  });

  it('stops when the attempt ends first', () => {
    assert.deepEqual(schedule(1000, 10_000, 100, 1600), [1000], 'upstream-timeout 1500: one copy');
    assert.deepEqual(schedule(1000, 10_000, 0, 1000), [], 'nothing due before the attempt ends');
  });

  it('counts each wait from when the previous copy actually left', () => {
    assert.equal(nextCopyAt(1020, 500, 5000), 1520);
    assert.equal(nextCopyAt(4600, 500, 5000), Infinity);
  });
});
