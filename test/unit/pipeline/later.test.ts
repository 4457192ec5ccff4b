/**
 * Later, the forward path's thenable: reactions run inside the settling call, in the order they
 * were added; otherwise it behaves as a Promise would for the pipeline's uses (await, Promise.resolve,
 * chained then(), throwing reactions, thenables returned or resolved with).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { Later } from '../../../src/pipeline/later.js';

describe('Later', () => {
  it('runs its reactions inside resolve(), in the order they were added', () => {
    const l = new Later<number>();
    const seen: string[] = [];
    l.then((v) => seen.push(`a${v}`));
    l.then((v) => seen.push(`b${v}`));
    l.then((v) => seen.push(`c${v}`));
    assert.deepEqual(seen, []);
    l.resolve(7);
    assert.deepEqual(seen, ['a7', 'b7', 'c7']);
  });

  it('runs a reaction added after it settled in a microtask, never inside then()', async () => {
    const l = new Later<string>();
    l.resolve('x');
    let got: string | null = null;
    l.then((v) => (got = v));
    assert.equal(got, null);
    await Promise.resolve();
    assert.equal(got, 'x');
  });

  it('chains: a reaction\'s result settles the Later that then() returned, at once', () => {
    const l = new Later<number>();
    let out = 0;
    l.then((v) => v * 2).then((v) => (out = v + 1));
    l.resolve(20);
    assert.equal(out, 41);
  });

  it('rejects the derived Later when a reaction throws, and passes rejections through then() without a handler', () => {
    const l = new Later<number>();
    const reasons: unknown[] = [];
    l.then(() => {
      throw new Error('boom');
    }).then(null, (e: unknown) => reasons.push((e as Error).message));
    const r = new Later<number>();
    r.then((v) => v).then(null, (e: unknown) => reasons.push(e));
    l.resolve(1);
    r.reject('gone');
    assert.deepEqual(reasons, ['boom', 'gone']);
  });

  it('settles once: later resolve() and reject() calls are ignored', () => {
    const l = new Later<number>();
    const seen: unknown[] = [];
    l.then((v) => seen.push(v), (e: unknown) => seen.push(`rejected ${String(e)}`));
    l.resolve(1);
    l.resolve(2);
    l.reject('no');
    assert.deepEqual(seen, [1]);
  });

  it('follows a thenable it is resolved with, or a reaction returns', async () => {
    const l = new Later<number>();
    const followed = l.then((v) => Promise.resolve(v + 1));
    l.resolve(Promise.resolve(41));
    assert.equal(await followed, 42);
    const inner = new Later<string>();
    const outer = new Later<string>();
    outer.resolve(inner);
    outer.reject('ignored: already following inner');
    inner.resolve('inner value');
    assert.equal(await outer, 'inner value');
  });

  it('works with await and Promise.resolve, fulfilled or rejected', async () => {
    const ok = new Later<string>();
    setImmediate(() => ok.resolve('done'));
    assert.equal(await ok, 'done');
    const bad = new Later<string>();
    setImmediate(() => bad.reject(new Error('failed')));
    await assert.rejects(Promise.resolve(bad), /failed/);
  });
});
