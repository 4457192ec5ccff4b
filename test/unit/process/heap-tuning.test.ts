/**
 * The V8 flags fandns sets at start-up, and their environment overrides.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { heapFlags, HEAP_GROWING_PERCENT } from '../../../src/process/heap-tuning.js';

describe('heapFlags', () => {
  it('turns incremental marking and parallel scavenges off and sets the growing factor by default', () => {
    assert.deepEqual(heapFlags({}), ['--no-incremental-marking', '--no-parallel-scavenge', `--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it('keeps parallel scavenges with FANDNS_PARALLEL_SCAVENGE=1', () => {
    assert.ok(!heapFlags({ FANDNS_PARALLEL_SCAVENGE: '1' }).includes('--no-parallel-scavenge'));
    assert.ok(heapFlags({ FANDNS_PARALLEL_SCAVENGE: 'yes' }).includes('--no-parallel-scavenge'));
  });

  it('keeps incremental marking with FANDNS_INCREMENTAL_MARKING=1', () => {
    assert.ok(!heapFlags({ FANDNS_INCREMENTAL_MARKING: '1' }).includes('--no-incremental-marking'));
  });

  it('takes the growing factor from FANDNS_HEAP_GROWING_PERCENT; 0 leaves V8 default; junk is ignored', () => {
    assert.ok(heapFlags({ FANDNS_HEAP_GROWING_PERCENT: '15' }).includes('--heap-growing-percent=15'));
    assert.ok(!heapFlags({ FANDNS_HEAP_GROWING_PERCENT: '0' }).some((f) => f.startsWith('--heap-growing-percent')));
    assert.ok(heapFlags({ FANDNS_HEAP_GROWING_PERCENT: 'lots' }).includes(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`));
  });
});
