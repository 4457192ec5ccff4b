/** The primary's record of relayed health-check results (src/process/check-record.ts), replayed to a worker that starts. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { CheckRecord, MAX_RUN } from '../../../src/process/check-record.js';
import { isCheckNote, isWorkerMessage, type CheckNote } from '../../../src/process/cluster-ipc.js';

const note = (key: string, ok: boolean, result = ok ? 'NOERROR' : 'SERVFAIL'): CheckNote => ({ fandns: 'check', key, ok, result });

describe('CheckRecord', () => {
  it('has nothing to replay before any check', () => {
    assert.deepEqual(new CheckRecord().replay(), []);
  });

  it('keeps each server\'s latest result and how many checks in a row gave it', () => {
    const r = new CheckRecord();
    r.note(note('a', true));
    r.note(note('b', false, 'timeout'));
    r.note(note('b', false, 'SERVFAIL'));
    r.note(note('b', false, 'timeout'));
    assert.deepEqual(r.replay(), [
      { fandns: 'check', key: 'a', ok: true, result: 'NOERROR', times: 1 },
      { fandns: 'check', key: 'b', ok: false, result: 'timeout', times: 3 },
    ]);
  });

  it('starts the run again when the result turns, and caps it where rise and fall end', () => {
    const r = new CheckRecord();
    for (let i = 0; i < MAX_RUN + 20; i++) r.note(note('a', false));
    assert.equal(r.replay()[0]!.times, MAX_RUN);
    r.note(note('a', true));
    assert.deepEqual(r.replay(), [{ fandns: 'check', key: 'a', ok: true, result: 'NOERROR', times: 1 }]);
    r.note(note('a', true));
    assert.equal(r.replay()[0]!.times, 2);
  });

  it('replays notes the workers\' message guard accepts', () => {
    const r = new CheckRecord();
    r.note(note('127.0.0.1#8600@#%', false));
    for (const m of r.replay()) assert.ok(isCheckNote(m) && isWorkerMessage(m));
  });
});

describe('isCheckNote', () => {
  it('takes a note with or without a run length, and refuses a run length out of range', () => {
    assert.ok(isCheckNote(note('k', true)));
    assert.ok(isCheckNote({ ...note('k', false), times: 1 }) && isCheckNote({ ...note('k', false), times: MAX_RUN }));
    for (const times of [0, MAX_RUN + 1, 1.5, '3', null]) assert.ok(!isCheckNote({ ...note('k', false), times }), String(times));
    assert.ok(!isCheckNote({ fandns: 'check', key: 'k', ok: 'yes', result: 'x' }));
  });
});
