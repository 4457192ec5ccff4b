/**
 * The sweeper's watched list: members are swept until they report nothing left, unwatch removes
 * any member (first, middle, last) without disturbing the others, and watching twice is harmless.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { unwatch, watch, type Sweepable } from '../../../src/upstream/sweeper.js';

/** A member that stays watched for `rounds` sweeps. */
function member(rounds: number, log: string[], name: string): Sweepable {
  let left = rounds;
  return {
    sweepSlot: -1,
    sweep() {
      log.push(name);
      return --left > 0;
    },
  };
}

describe('sweeper', () => {
  it('sweeps watched members until they are done, and drops unwatched ones', async () => {
    const log: string[] = [];
    const a = member(100, log, 'a');
    const b = member(100, log, 'b');
    const c = member(1, log, 'c');
    const d = member(100, log, 'd');
    for (const m of [a, b, c, d]) watch(m);
    watch(b); // twice: still one slot
    unwatch(a); // first
    await new Promise((r) => setTimeout(r, 70)); // a few 25 ms ticks
    unwatch(b);
    unwatch(d);
    unwatch(d); // twice: harmless
    const counts = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, log.filter((x) => x === n).length]));
    assert.equal(counts['a'], 0, 'a was unwatched before any tick');
    assert.equal(counts['c'], 1, 'c left after its single sweep');
    assert.ok(counts['b']! >= 1 && counts['b'] === counts['d'], `b and d swept every tick: ${JSON.stringify(counts)}`);
    for (const m of [a, b, c, d]) assert.equal(m.sweepSlot, -1);
  });
});
