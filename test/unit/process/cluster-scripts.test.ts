/**
 * The cluster primary's conf-script outputs (src/process/cluster-scripts.ts), with stand-in
 * workers: a worker is told to ask for the outputs only when there are some; SIGHUP runs the
 * scripts once and sends every serving worker the outputs to reload with; a worker that started
 * on older outputs gets the newer ones once it serves; after a run with a failed script a
 * starting worker takes the last outputs without one.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { Worker } from 'node:cluster';
import { ScriptOutputs, type ScriptResult } from '../../../src/config/script-outputs.js';
import type { ScriptsGiven } from '../../../src/process/cluster-ipc.js';
import { ClusterScripts, SCRIPTS_ENV } from '../../../src/process/cluster-scripts.js';
import { memoryLog } from '../../helpers/memory-log.js';

/** A stand-in worker that keeps what it is sent. */
function fakeWorker() {
  const sent: ScriptsGiven[] = [];
  const worker = { isConnected: () => true, send: (m: ScriptsGiven, _h: unknown, cb: () => void) => (sent.push(m), cb(), true) };
  return { worker: worker as unknown as Worker, sent };
}

const outputsOf = (...results: ScriptResult[]): ScriptOutputs => ScriptOutputs.from(results)!;

describe('ClusterScripts', () => {
  it('tells a worker to ask only when the primary holds outputs, and answers with them', () => {
    assert.deepEqual(new ClusterScripts(new ScriptOutputs(), async () => new ScriptOutputs(), memoryLog().log).forkEnv(), {});
    const start = outputsOf({ command: 'gen', output: 'no-negcache\n' });
    const scripts = new ClusterScripts(start, async () => start, memoryLog().log);
    assert.deepEqual(scripts.forkEnv(), { [SCRIPTS_ENV]: '1' });
    const w = fakeWorker();
    scripts.forked(w.worker);
    scripts.answer(w.worker);
    assert.deepEqual(w.sent, [{ fandns: 'scripts', reload: false, results: start.results }]);
    scripts.nowServing(w.worker);
    assert.equal(w.sent.length, 1, 'a worker that loaded the newest outputs is not reloaded');
  });

  it('runs the scripts once at SIGHUP and has every serving worker reload with the outputs', async () => {
    let runs = 0;
    const scripts = new ClusterScripts(new ScriptOutputs(), async () => outputsOf({ command: 'gen', output: `run ${++runs}\n` }), memoryLog().log);
    const a = fakeWorker();
    const b = fakeWorker();
    const starting = fakeWorker();
    for (const w of [a, b, starting]) scripts.forked(w.worker);
    await scripts.reload(() => [a.worker, b.worker]);
    assert.equal(runs, 1);
    for (const w of [a, b]) assert.deepEqual(w.sent, [{ fandns: 'scripts', reload: true, results: [{ command: 'gen', output: 'run 1\n' }] }]);
    assert.deepEqual(starting.sent, [], 'a worker still starting is not sent a reload');
    scripts.nowServing(starting.worker);
    assert.deepEqual(starting.sent, [{ fandns: 'scripts', reload: true, results: [{ command: 'gen', output: 'run 1\n' }] }],
      'it reloads with the newer outputs once it serves');
  });

  it('gives a starting worker the last outputs without a failure', async () => {
    const good = outputsOf({ command: 'gen', output: 'no-negcache\n' });
    const failed = outputsOf({ command: 'gen', failure: 'exited with code 1', exitCode: 11 });
    let next = failed;
    const scripts = new ClusterScripts(good, async () => next, memoryLog().log);
    const serving = fakeWorker();
    scripts.forked(serving.worker);
    await scripts.reload(() => [serving.worker]);
    assert.deepEqual(serving.sent[0]!.results, failed.results, 'the serving workers hear of the failure (and refuse the reload)');
    const replacement = fakeWorker();
    scripts.forked(replacement.worker);
    assert.deepEqual(scripts.forkEnv(), { [SCRIPTS_ENV]: '1' });
    scripts.answer(replacement.worker);
    assert.deepEqual(replacement.sent, [{ fandns: 'scripts', reload: false, results: good.results }]);
    scripts.nowServing(replacement.worker);
    assert.equal(replacement.sent.length, 1);
    next = outputsOf({ command: 'gen', output: 'no-negcache\nno-hosts\n' });
    await scripts.reload(() => [serving.worker, replacement.worker]);
    const late = fakeWorker();
    scripts.answer(late.worker);
    assert.deepEqual(late.sent[0]!.results, next.results, 'a run without failure is what workers start with again');
  });

  it('lets each worker run the scripts when the primary could not', async () => {
    const log = memoryLog();
    const scripts = new ClusterScripts(outputsOf({ command: 'gen', output: '\n' }), async () => {
      throw new Error('spawn EAGAIN');
    }, log.log);
    const w = fakeWorker();
    await scripts.reload(() => [w.worker]);
    assert.deepEqual(w.sent, [{ fandns: 'scripts', reload: true, results: [] }]);
    assert.deepEqual(log.errors().map((l) => [l.msg, l['err']]), [['conf-script: the scripts did not run in the main process; each worker runs them', 'spawn EAGAIN']]);
  });
});
