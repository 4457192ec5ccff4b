/**
 * ReloadRecord: applied and refused reloads counted apart; the latest decides "successful"; the
 * load time moves only when a configuration is applied.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { ReloadRecord } from '../../../src/process/reload-record.js';

describe('ReloadRecord', () => {
  it('starts successful, loaded at construction, with nothing counted', () => {
    const r = new ReloadRecord(() => 5000);
    assert.deepEqual(r.counts, { ok: 0, failed: 0, lastSuccessful: true, loadedAt: 5, lastError: null });
  });

  it('a refused reload keeps the load time and is the latest until one is applied', () => {
    let ms = 5000;
    const r = new ReloadRecord(() => ms);
    ms = 9000;
    r.refused('fandns.conf:3: unknown option "sevrer"');
    assert.deepEqual(r.counts, { ok: 0, failed: 1, lastSuccessful: false, loadedAt: 5, lastError: 'fandns.conf:3: unknown option "sevrer"' });
    ms = 12_500;
    r.applied();
    assert.deepEqual(r.counts, { ok: 1, failed: 1, lastSuccessful: true, loadedAt: 12.5, lastError: null });
  });
});
