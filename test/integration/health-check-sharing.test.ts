/**
 * health-check= shared between processes, as cluster workers share it (src/upstream/check-sharing.ts):
 * two servers in this process wired together the way the primary passes results on. Only the one
 * that owns the check sends it; the other follows its results into its own health, down and up
 * again. Then the real thing: workers=2, where both workers must see a failing server down.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { CheckSharing } from '../../src/upstream/check-sharing.js';
import type { CheckResult } from '../../src/upstream/health.js';
import { startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { FakeUpstream, freePort } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';
import { waitFor } from '../helpers/wait.js';

const CHECK = 'consul.service.consul';

/** A Consul-like server that answers SERVFAIL to the check while `broken()`. */
const consul = (broken: () => boolean) => FakeUpstream.start((q) => (q.name === CHECK && broken() ? { rcode: 'SERVFAIL' } : answer('10.0.0.1')(q)));

const conf = (spec: string) => [
  `server=/service.consul/${spec}`, `health-check=/service.consul/${CHECK}`, 'health-check-interval=50',
  'health-check-fall=2', 'health-check-rise=2', 'upstream-timeout=300',
].join('\n');

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
    const port = await freePort();
    const metrics = `127.0.0.1:${await freePort()}`;
    let cli: CliProcess | undefined;
    try {
      cli = await startCli(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts',
        ...conf(svc.spec).split('\n').map((l) => `--${l}`), `--metrics-address=${metrics}`], 15_000);
      await waitForLog(cli, (r) => r['msg'] === 'cluster started');
      type Health = { workers: { pid: number; status: string }[]; upstreams: { server: string; up: boolean; checked: boolean }[] };
      const health = async () => (await (await fetch(`http://${metrics}/health`)).json()) as Health;
      const statuses = async (want: string) => {
        for (let i = 0; i < 200; i++) {
          const h = await health();
          if (h.workers.length === 2 && h.workers.every((w) => w.status === want)) return h;
          await new Promise((r) => setTimeout(r, 50));
        }
        return health();
      };
      const down = await statuses('degraded');
      assert.deepEqual(down.workers.map((w) => w.status), ['degraded', 'degraded'], 'both workers have the failing server down');
      assert.deepEqual(down.upstreams.map((u) => [u.server, u.up, u.checked]), [[svc.spec, false, true]]);
      broken = false;
      const up = await statuses('ok');
      assert.deepEqual(up.workers.map((w) => w.status), ['ok', 'ok'], 'both workers have it back');
      const text = await (await fetch(`http://${metrics}/metrics`)).text();
      const sent = [...text.matchAll(/^fandns_upstream_health_checks_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      assert.ok(sent >= svc.count(CHECK) - 1 && sent <= svc.count(CHECK), `the checks counted (${sent}) are the checks sent (${svc.count(CHECK)})`);
    } finally {
      await cli?.stop('SIGTERM');
      await svc.close();
    }
  });
});
