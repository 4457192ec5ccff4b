/**
 * The cluster primary's admin-api (src/process/cluster-rules.ts), with stand-in workers: a change
 * answers once every serving worker took the whole set of rules; a worker's error or silence
 * gives 500 naming it, and the rules before go back to the primary and every worker; requests
 * run one at a time; a starting worker is sent the rules only when they changed since its fork.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { Worker } from 'node:cluster';
import { parseAdminRequest } from '../../../src/admin/rules-request.js';
import type { RuleView } from '../../../src/admin/runtime-rules.js';
import { WorkerRequests, type PrimaryRequest } from '../../../src/process/cluster-ipc.js';
import { ADMIN_RULES_ENV, ClusterRules, readForkRules } from '../../../src/process/cluster-rules.js';
import { memoryLog } from '../../helpers/memory-log.js';

type Behaviour = 'ok' | 'error' | 'silent';

/** A stand-in worker that answers `rules` requests at once, as `behave()` says, and keeps the rules it took. */
function fakeWorker(requests: WorkerRequests, id: number, behave: () => Behaviour = () => 'ok') {
  const state = { rules: [] as readonly RuleView[], sent: 0 };
  const w = {
    id,
    process: { pid: 1000 + id },
    isConnected: () => true,
    send: (m: PrimaryRequest, _h: unknown, cb: (e: Error | null) => void) => {
      cb(null);
      state.sent++;
      const how = behave();
      if (how === 'silent') return true;
      setImmediate(() => {
        if (how === 'error') return requests.onReply(w as unknown as Worker, { fandns: 'reply', id: m.id, error: 'rebuild failed' });
        state.rules = m.rules ?? [];
        requests.onReply(w as unknown as Worker, { fandns: 'reply', id: m.id, body: { rules: state.rules.length } });
      });
      return true;
    },
  };
  return { worker: w as unknown as Worker, state };
}

const put = (domain: string, servers: string[]) => parseAdminRequest('PUT', `/rules/${domain}`, JSON.stringify({ servers }));
const domains = (rules: readonly RuleView[]) => rules.map((r) => `${r.domain}=${r.servers.join(',')}`);

describe('ClusterRules', () => {
  it('answers a change once every serving worker took it; logs and counts it once', async () => {
    const requests = new WorkerRequests();
    const a = fakeWorker(requests, 1);
    const b = fakeWorker(requests, 2);
    const mem = memoryLog('info');
    const cr = new ClusterRules(requests, () => [a.worker, b.worker], mem.log);
    const answer = await cr.handle(put('consul', ['127.0.0.1#8600']), '127.0.0.9');
    assert.equal(answer.status, 200);
    assert.deepEqual(domains(a.state.rules), ['consul=127.0.0.1#8600']);
    assert.deepEqual(domains(b.state.rules), ['consul=127.0.0.1#8600']);
    assert.equal(a.state.rules[0]!.by, '127.0.0.9');
    assert.equal(cr.rules.changes, 1);
    assert.deepEqual(mem.lines().filter((l) => l.msg.startsWith('admin-api: runtime rule')).map((l) => l['admin']), ['127.0.0.9']);
    assert.equal((await cr.handle(parseAdminRequest('DELETE', '/rules/consul', null), 'p')).status, 200);
    assert.deepEqual(a.state.rules, []);
    assert.equal((await cr.handle(parseAdminRequest('GET', '/rules', null), 'p')).status, 200);
    assert.equal(a.state.sent, 2, 'a GET sends nothing');
  });

  it('a worker that fails: 500 naming it, the primary and every worker back on the rules before', async () => {
    const requests = new WorkerRequests();
    let failing = false;
    const a = fakeWorker(requests, 1);
    const b = fakeWorker(requests, 2, () => (failing ? 'error' : 'ok'));
    const cr = new ClusterRules(requests, () => [a.worker, b.worker], memoryLog().log);
    await cr.handle(put('consul', ['127.0.0.1#8600']), 'p');
    failing = true;
    await assert.rejects(cr.handle(put('consul', ['127.0.0.2']), 'p'), /worker 1002: rebuild failed; the change was not made/);
    assert.deepEqual(domains(cr.rules.list()), ['consul=127.0.0.1#8600']);
    assert.deepEqual(domains(a.state.rules), ['consul=127.0.0.1#8600'], 'the worker that took it went back');
    assert.equal(cr.rules.changes, 1);
  });

  it('a worker that stays silent: 500 naming its PID after the time limit', async () => {
    const requests = new WorkerRequests();
    const a = fakeWorker(requests, 1);
    const b = fakeWorker(requests, 2, () => 'silent');
    const cr = new ClusterRules(requests, () => [a.worker, b.worker], memoryLog().log, 50);
    await assert.rejects(cr.handle(put('consul', ['127.0.0.1']), 'p'), /no answer from 1002\)/);
    assert.deepEqual(cr.rules.list(), []);
    assert.deepEqual(a.state.rules, []);
  });

  it('runs requests one at a time, in order', async () => {
    const requests = new WorkerRequests();
    const a = fakeWorker(requests, 1);
    const cr = new ClusterRules(requests, () => [a.worker], memoryLog().log);
    const answers = await Promise.all([
      cr.handle(put('consul', ['127.0.0.1']), 'p'),
      cr.handle(put('consul', ['127.0.0.2']), 'p'),
      cr.handle(put('corp', ['127.0.0.3']), 'p'),
    ]);
    assert.deepEqual(answers.map((x) => x.status), [200, 200, 200]);
    assert.deepEqual(domains(a.state.rules), ['consul=127.0.0.2', 'corp=127.0.0.3']);
  });

  it('forks a worker with the rules in its environment; sends them again at start only if they changed since', async () => {
    const requests = new WorkerRequests();
    const a = fakeWorker(requests, 1);
    const cr = new ClusterRules(requests, () => [a.worker], memoryLog().log);
    await cr.handle(put('consul', ['127.0.0.1']), 'p');
    const env = cr.forkEnv();
    assert.deepEqual(domains(readForkRules(env)), ['consul=127.0.0.1']);
    const fresh = fakeWorker(requests, 3);
    cr.forked(fresh.worker, env);
    await cr.sync(fresh.worker);
    assert.equal(fresh.state.sent, 0, 'forked with the rules in force: nothing to send');

    const late = fakeWorker(requests, 4);
    cr.forked(late.worker, cr.forkEnv());
    await cr.handle(put('corp', ['127.0.0.3']), 'p');
    await cr.sync(late.worker);
    assert.deepEqual(domains(late.state.rules), ['consul=127.0.0.1', 'corp=127.0.0.3']);

    const silent = fakeWorker(requests, 5, () => 'silent');
    cr.forked(silent.worker, {});
    await assert.rejects(new ClusterRules(requests, () => [], memoryLog().log, 30).sync(silent.worker), /no answer from 1005/);
  });

  it('reads no rules from an environment without them, and refuses one that is not a list', () => {
    assert.deepEqual(readForkRules({}), []);
    assert.throws(() => readForkRules({ [ADMIN_RULES_ENV]: '{}' }), /not a list/);
  });
});
