/**
 * health-check= shared between processes, as cluster workers share it (src/upstream/check-sharing.ts):
 * two servers in this process wired together the way the primary passes results on. Only the one
 * that owns the check sends it; the other follows its results into its own health, down and up
 * again. Then the real thing: workers=2, where both workers must see a failing server down, and a
 * worker that replaces one must see it down from its start (the primary replays the latest results),
 * and while the worker that checks a server is away (restarting after quick deaths), the other one
 * checks it in its place.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { checksServer, type CheckSharing } from '../../src/upstream/check-sharing.js';
import type { CheckResult } from '../../src/upstream/health.js';
import { startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { FakeUpstream, freePort } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';
import { waitFor } from '../helpers/wait.js';

const CHECK = 'consul.service.consul';

/** A Consul-like server that answers SERVFAIL to the check while `broken()`. */
const consul = (broken: () => boolean) => FakeUpstream.start((q) => (q.name === CHECK && broken() ? { rcode: 'SERVFAIL' } : answer('10.0.0.1')(q)));

const conf = (spec: string, intervalMs = 50, fall = 2) => [
  `server=/service.consul/${spec}`, `health-check=/service.consul/${CHECK}`, `health-check-interval=${intervalMs}`,
  `health-check-fall=${fall}`, 'health-check-rise=2', 'upstream-timeout=300',
].join('\n');

type ClusterHealth = { workers: { pid: number; status: string }[]; upstreams: { server: string; up: boolean; checked: boolean }[] };

/** fandns with workers=2 and `config` (as command-line options), metrics on `metrics`, once the cluster has started. */
async function startWorkers(config: string, metrics: string): Promise<CliProcess> {
  const cli = await startCli(['--workers=2', `--port=${await freePort()}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts',
    ...config.split('\n').map((l) => `--${l}`), `--metrics-address=${metrics}`], 15_000);
  try {
    await waitForLog(cli, (r) => r['msg'] === 'cluster started');
  } catch (e) {
    await cli.stop('SIGTERM');
    throw e;
  }
  return cli;
}

/** The cluster's /health, asked until both workers show `want` (or 10 s have passed: the last answer). */
async function bothWorkers(metrics: string, want: string, not: readonly number[] = []): Promise<ClusterHealth> {
  const health = async () => (await (await fetch(`http://${metrics}/health`)).json()) as ClusterHealth;
  for (let i = 0; i < 200; i++) {
    const h = await health();
    if (h.workers.length === 2 && h.workers.every((w) => w.status === want && !not.includes(w.pid))) return h;
    await new Promise((r) => setTimeout(r, 50));
  }
  return health();
}

/** The proxy's one upstream. */
const upstreamOf = (p: TestProxy) => p.server.runtime.registry.upstreams()[0]!;

describe('health-check shared between processes', () => {
  it('is sent by the owner only, and moves the other one\'s health down and up with the owner\'s results', async () => {
    let broken = false;
    const svc = await consul(() => broken);
    const heard: CheckResult[] = [];
    let other: TestProxy | null = null;
    const owner = await startProxy(conf(svc.spec), undefined, {
      checks: { mine: () => true, announce: (key, r) => { heard.push(r); other?.server.checkHeard(key, r); } },
    });
    const listener: CheckSharing = { mine: () => false, announce: () => assert.fail('the listener made a check') };
    other = await startProxy(conf(svc.spec), undefined, { checks: listener });
    try {
      await waitFor(() => heard.length >= 3, 'three checks by the owner');
      const mine = upstreamOf(owner).stats;
      const theirs = upstreamOf(other).stats;
      assert.equal(theirs.checksOk + theirs.checksFailed, 0, 'the other process sends no check');
      assert.ok(svc.count(CHECK) >= 3 && svc.count(CHECK) <= mine.checksOk + mine.checksFailed + 1, `every check came from the owner (${svc.count(CHECK)})`);
      assert.equal(upstreamOf(other).health.checked, true, 'the other process shows the server as checked');
      assert.deepEqual(upstreamOf(other).health.lastCheck, { ok: true, result: 'NOERROR' });

      broken = true;
      await waitFor(() => !upstreamOf(other!).health.up, 'the other process to mark the server down from the owner\'s results');
      assert.equal(upstreamOf(owner).health.up, false);
      broken = false;
      await waitFor(() => upstreamOf(other!).health.up, 'the other process to bring it back after rise good results');
      assert.equal(upstreamOf(other).stats.checksOk + upstreamOf(other).stats.checksFailed, 0);
    } finally {
      await owner.stop();
      await other.stop();
      await svc.close();
    }
  });
});

describe('health-check with workers=2 (CLI process)', () => {
  it('checks each server from one worker and marks it down in both', async () => {
    let broken = true;
    const svc = await consul(() => broken);
    const metrics = `127.0.0.1:${await freePort()}`;
    let cli: CliProcess | undefined;
    try {
      cli = await startWorkers(conf(svc.spec), metrics);
      const down = await bothWorkers(metrics, 'degraded');
      assert.deepEqual(down.workers.map((w) => w.status), ['degraded', 'degraded'], 'both workers have the failing server down');
      assert.deepEqual(down.upstreams.map((u) => [u.server, u.up, u.checked]), [[svc.spec, false, true]]);
      broken = false;
      const up = await bothWorkers(metrics, 'ok');
      assert.deepEqual(up.workers.map((w) => w.status), ['ok', 'ok'], 'both workers have it back');
      const text = await (await fetch(`http://${metrics}/metrics`)).text();
      const sent = [...text.matchAll(/^fandns_upstream_health_checks_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      assert.ok(sent >= svc.count(CHECK) - 1 && sent <= svc.count(CHECK), `the checks counted (${sent}) are the checks sent (${svc.count(CHECK)})`);
    } finally {
      await cli?.stop('SIGTERM');
      await svc.close();
    }
  });

  it('starts a worker that replaces another with the others\' view of a down server, long before a new check', async () => {
    // One check a minute and fall=1: after the first check, only the primary's replay of it can
    // tell a new worker that does not check the server itself that it is down.
    const svc = await consul(() => true);
    const metrics = `127.0.0.1:${await freePort()}`;
    let cli: CliProcess | undefined;
    try {
      cli = await startWorkers(conf(svc.spec, 60_000, 1), metrics);
      const first = await bothWorkers(metrics, 'degraded');
      assert.deepEqual(first.workers.map((w) => w.status), ['degraded', 'degraded']);
      const gone: number[] = [];
      // Each worker in turn: one of the two replacements is not the server's checker.
      for (const [i, { pid }] of first.workers.entries()) {
        process.kill(pid, 'SIGKILL');
        gone.push(pid);
        await waitForLog(cli, (r) => r['msg'] === 'worker replaced', i + 1, 15_000);
        const h = await bothWorkers(metrics, 'degraded', gone);
        assert.deepEqual(h.workers.map((w) => [gone.includes(w.pid), w.status]), [[false, 'degraded'], [false, 'degraded']],
          `after worker ${pid} was replaced: ${JSON.stringify(h.workers)}`);
      }
      assert.ok(svc.count(CHECK) <= 3, `no check but each checker's first (${svc.count(CHECK)})`);
    } finally {
      await cli?.stop('SIGTERM');
      await svc.close();
    }
  });

  it('has the other worker check a server while the worker that checks it is being replaced', async () => {
    let broken = false;
    const svc = await consul(() => broken);
    const metrics = `127.0.0.1:${await freePort()}`;
    let cli: CliProcess | undefined;
    try {
      cli = await startWorkers(conf(svc.spec, 100, 2), metrics);
      const [started] = await waitForLog(cli, (r) => r['msg'] === 'cluster started');
      const checkerSlot = checksServer(`${svc.spec}@#%`, 1, 2) ? 1 : 2;
      let victim = (started!['workers'] as number[])[checkerSlot - 1]!;
      // Quick deaths lengthen the restart delay (0.2 s, doubling): after five, the slot stays empty 3.2 s.
      let exited: Record<string, unknown> | undefined;
      for (let death = 1; death <= 5; death++) {
        process.kill(victim, 'SIGKILL');
        [exited] = await waitForLog(cli, (r) => r['msg'] === 'worker exited; starting another' && r['workerPid'] === victim, 1, 15_000);
        if (death === 5) break;
        const replaced = await waitForLog(cli, (r) => r['msg'] === 'worker replaced', death, 15_000);
        victim = replaced[death - 1]!['workerPid'] as number;
      }
      assert.ok((exited!['restartInMs'] as number) >= 1600, `the slot stays empty a while (${String(exited!['restartInMs'])} ms)`);
      broken = true;
      let seen: ClusterHealth | null = null;
      for (let i = 0; i < 100 && seen === null; i++) {
        const h = (await (await fetch(`http://${metrics}/health`)).json()) as ClusterHealth;
        if (h.workers.length === 1 && h.workers[0]!.status === 'degraded') seen = h;
        else if (h.workers.length === 2) break;
        else await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(seen, 'the remaining worker found the server down before the replacement came');
      broken = false;
      const back = await bothWorkers(metrics, 'ok');
      assert.deepEqual(back.workers.map((w) => w.status), ['ok', 'ok']);
    } finally {
      await cli?.stop('SIGTERM');
      await svc.close();
    }
  });
});
