/**
 * The primary's requests to its workers: answers collected by worker, workers that exit are left
 * out, an error reply fails the request, silence times out, and other messages are not ours.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { Worker } from 'node:cluster';
import { isCheckCover, isEntryAsk, isEntryFound, isLoopMark, isPrimaryRequest, isScriptsGiven, isWorkerMessage, WorkerRequests, type PrimaryRequest } from '../../../src/process/cluster-ipc.js';

/** A stand-in for a cluster Worker that records what it was sent. */
function fakeWorker(id: number, connected = true) {
  const sent: PrimaryRequest[] = [];
  const w = {
    id,
    process: { pid: 1000 + id },
    isConnected: () => connected,
    send: (m: PrimaryRequest, _h: unknown, cb: (e: Error | null) => void) => {
      sent.push(m);
      cb(null);
      return true;
    },
  };
  return { worker: w as unknown as Worker, sent };
}

describe('WorkerRequests', () => {
  it('collects one answer per worker and skips workers that are not connected', async () => {
    const r = new WorkerRequests();
    const a = fakeWorker(1);
    const b = fakeWorker(2);
    const gone = fakeWorker(3, false);
    const p = r.ask([a.worker, b.worker, gone.worker], 'health');
    assert.equal(gone.sent.length, 0);
    const id = a.sent[0]!.id;
    r.onReply(b.worker, { fandns: 'reply', id, body: 'B' });
    r.onReply(a.worker, { fandns: 'reply', id, body: 'A' });
    assert.deepEqual([...(await p)], [[2, 'B'], [1, 'A']]);
  });

  it('leaves out a worker that exits before it answers', async () => {
    const r = new WorkerRequests();
    const a = fakeWorker(1);
    const b = fakeWorker(2);
    const p = r.ask([a.worker, b.worker], 'metrics');
    r.onReply(a.worker, { fandns: 'reply', id: a.sent[0]!.id, body: [] });
    r.onExit(b.worker);
    assert.deepEqual([...(await p)], [[1, []]]);
  });

  it('fails on an error reply, and after the timeout when a worker stays silent', async () => {
    const r = new WorkerRequests();
    const a = fakeWorker(1);
    const p = r.ask([a.worker], 'metrics');
    r.onReply(a.worker, { fandns: 'reply', id: a.sent[0]!.id, error: 'boom' });
    await assert.rejects(p, /worker 1001: boom/);
    await assert.rejects(r.ask([fakeWorker(2).worker], 'health', 20), /did not answer a health request within 20 ms \(no answer from 1002\)/);
  });

  it('with partial, resolves at the timeout with the answers that came', async () => {
    const r = new WorkerRequests();
    const a = fakeWorker(1);
    const slow = fakeWorker(2);
    const p = r.ask([a.worker, slow.worker], 'entry', 20, { key: 'k' }, true);
    r.onReply(a.worker, { fandns: 'reply', id: a.sent[0]!.id, body: 'AAAA' });
    assert.deepEqual([...(await p)], [[1, 'AAAA']]);
    r.onReply(slow.worker, { fandns: 'reply', id: slow.sent[0]!.id, body: 'late' });
  });

  it('sends a request\'s payload with it', async () => {
    const r = new WorkerRequests();
    const a = fakeWorker(1);
    const rules = [{ domain: 'consul', servers: ['127.0.0.1#8600'], by: '127.0.0.1', at: '2024-01-01T00:00:00.000Z' }];
    const p = r.ask([a.worker], 'rules', 1000, { rules });
    assert.deepEqual(a.sent[0], { fandns: 'request', id: a.sent[0]!.id, what: 'rules', rules });
    r.onReply(a.worker, { fandns: 'reply', id: a.sent[0]!.id, body: { rules: 1 } });
    assert.deepEqual([...(await p)], [[1, { rules: 1 }]]);
  });

  it('resolves at once with no workers', async () => {
    assert.equal((await new WorkerRequests().ask([], 'health')).size, 0);
  });
});

describe('message guards', () => {
  it('tell fandns messages from anything else on the channel', () => {
    assert.ok(isPrimaryRequest({ fandns: 'request', id: 1, what: 'metrics' }));
    assert.ok(isWorkerMessage({ fandns: 'started', endpoints: [] }));
    assert.ok(isWorkerMessage({ fandns: 'loop', key: '127.0.0.1#53@#%', looped: true }) && isLoopMark({ fandns: 'loop', key: 'k', looped: false }));
    for (const m of [null, 'x', { type: 'prom-client:getMetricsReq', requestId: 1 }, { fandns: 'other' }, { fandns: 'loop', key: 'k' }, { fandns: 'loop', looped: true }]) {
      assert.ok(!isPrimaryRequest(m) && !isWorkerMessage(m), JSON.stringify(m));
    }
  });

  it('tell entry asks and answers (workers sharing stale entries) by their fields', () => {
    assert.ok(isWorkerMessage({ fandns: 'entry?', id: 3, key: 'a.test\u0000\u0001' }) && isEntryAsk({ fandns: 'entry?', id: 0, key: '' }));
    assert.ok(isEntryFound({ fandns: 'entry', id: 3, entry: null }) && isEntryFound({ fandns: 'entry', id: 3, entry: 'AAAA' }));
    for (const m of [{ fandns: 'entry?', id: 1.5, key: 'k' }, { fandns: 'entry?', id: 1 }, { fandns: 'entry', id: 1 }, { fandns: 'entry', id: 1, entry: 5 }]) {
      assert.ok(!isEntryAsk(m) && !isEntryFound(m), JSON.stringify(m));
    }
    assert.ok(!isWorkerMessage({ fandns: 'entry', id: 3, entry: null }), 'an answer goes from the primary, never to it');
  });

  it('tell conf-script outputs and check covers (from the primary) and the ask for outputs (to it) by their fields', () => {
    assert.ok(isWorkerMessage({ fandns: 'scripts?' }));
    assert.ok(isScriptsGiven({ fandns: 'scripts', reload: false, results: [] }) && isScriptsGiven({ fandns: 'scripts', reload: true, results: [{ command: 'x', output: '' }] }));
    assert.ok(isCheckCover({ fandns: 'cover', slots: [] }) && isCheckCover({ fandns: 'cover', slots: [2, 3] }));
    for (const m of [{ fandns: 'scripts', results: [] }, { fandns: 'scripts', reload: 'yes', results: [] }, { fandns: 'scripts', reload: true }, { fandns: 'cover' }, { fandns: 'cover', slots: [1.5] }, { fandns: 'cover', slots: ['1'] }]) {
      assert.ok(!isScriptsGiven(m) && !isCheckCover(m), JSON.stringify(m));
    }
    assert.ok(!isWorkerMessage({ fandns: 'scripts', reload: false, results: [] }) && !isWorkerMessage({ fandns: 'cover', slots: [] }), 'these go from the primary, never to it');
  });
});
