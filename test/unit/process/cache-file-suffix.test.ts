/**
 * A cluster worker's cache-file suffix (src/process/cluster-worker.ts): `.<slot>` from the
 * primary's FANDNS_WORKER_SLOT, `.0` when it is missing or not a small number.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { workerCacheFileSuffix } from '../../../src/process/cluster-worker.js';

describe('workerCacheFileSuffix', () => {
  it('is the slot the primary gave, or .0', () => {
    assert.equal(workerCacheFileSuffix({ FANDNS_WORKER_SLOT: '2' }), '.2');
    assert.equal(workerCacheFileSuffix({}), '.0');
    assert.equal(workerCacheFileSuffix({ FANDNS_WORKER_SLOT: '../x' }), '.0');
  });
});
