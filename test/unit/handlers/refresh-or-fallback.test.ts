/**
 * refreshOrFallback: the refresh's answer when it is usable; the fallback's when the refresh is
 * unusable, rejected or late; the refresh's outcome (or its error) when the fallback has nothing.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { Buffer } from 'node:buffer';
import { refreshOrFallback } from '../../../src/handlers/refresh-or-fallback.js';
import { Reply, type Outcome } from '../../../src/pipeline/types.js';

const reply = (source: 'upstream' | 'error' | 'stale') => new Reply(Buffer.alloc(12), source, true, -1, -1, null);
const usable = (o: Outcome) => o instanceof Reply && o.source !== 'error';
const later = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms));
const sourceOf = (o: Outcome) => (o as Reply).source;

describe('refreshOrFallback', () => {
  it('takes a usable refresh and never asks the fallback', async () => {
    let asked = 0;
    const o = await refreshOrFallback(later(5, reply('upstream')), 1000, usable, () => (asked++, reply('stale')));
    assert.equal(sourceOf(o), 'upstream');
    await later(10, null);
    assert.equal(asked, 0);
  });

  it('takes the fallback when the refresh is unusable, rejected or late; asks it once', async () => {
    let asked = 0;
    const fb = () => (asked++, reply('stale'));
    assert.equal(sourceOf(await refreshOrFallback(reply('error'), 1000, usable, fb)), 'stale');
    assert.equal(sourceOf(await refreshOrFallback(Promise.reject(new Error('x')), 1000, usable, fb)), 'stale');
    assert.equal(sourceOf(await refreshOrFallback(later(200, reply('error')), 10, usable, fb)), 'stale');
    assert.equal(asked, 3);
  });

  it('with no fallback answer: the refresh stands, whenever it comes, its error included', async () => {
    const none = () => Promise.resolve(null);
    assert.equal(sourceOf(await refreshOrFallback(reply('error'), 1000, usable, none)), 'error');
    assert.equal(sourceOf(await refreshOrFallback(later(50, reply('upstream')), 5, usable, none)), 'upstream', 'late but usable');
    assert.equal(sourceOf(await refreshOrFallback(later(50, reply('error')), 5, usable, none)), 'error', 'late and unusable');
    await assert.rejects(refreshOrFallback(Promise.reject(new Error('boom')), 1000, usable, none), /boom/);
    assert.equal(sourceOf(await refreshOrFallback(reply('error'), 1000, usable, () => Promise.reject(new Error('ipc')))), 'error', 'a failing fallback counts as none');
  });
});
