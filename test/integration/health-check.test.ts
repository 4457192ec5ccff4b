/**
 * Active health checks (health-check=) on the wire: a Consul-like server that answers its check
 * with an instant SERVFAIL is marked down after `fall` checks and clients' queries go to the other
 * server (no real query is sent to it as a probe); it comes back after `rise` good checks; an
 * unchecked group gets no checks and stays up; /health and /metrics show the checks; a reload
 * keeps the state and the old runtime's checks stop. Conditions are waited for (bounded), never
 * assumed from timing.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData } from '../helpers/dns-client.js';
import { FakeUpstream, type Script } from '../helpers/fake-upstream.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';
import { sleep, waitFor } from '../helpers/wait.js';

const CHECK = 'consul.service.consul';

/** A server answering A records with `ip`, and SERVFAIL to the check name while `broken()`. */
const consul = (ip: string, broken: () => boolean): Script => (q) => (q.name === CHECK && broken() ? { rcode: 'SERVFAIL' } : answer(ip)(q));

/** The proxy's upstream `spec` (read to wait for a state). */
function upstream(proxy: TestProxy, spec: string) {
  const u = proxy.server.runtime.registry.upstreams().find((x) => x.label === spec);
  assert.ok(u, `upstream ${spec} is configured`);
  return u;
}

/** Checks the fake server has seen. */
const checks = (up: FakeUpstream): number => up.count(CHECK);
/** Client queries (anything but checks) the fake server has seen. */
const clientQueries = (up: FakeUpstream, prefix: string): number => up.queries.filter((q) => q.name.startsWith(prefix)).length;

/** Two Consul servers (the first broken while `broken` says so), a default server, and a proxy checking the Consul ones. */
async function consulPair(broken: () => boolean, extra = ''): Promise<{ bad: FakeUpstream; good: FakeUpstream; other: FakeUpstream; proxy: TestProxy; close: () => Promise<void> }> {
  const bad = await FakeUpstream.start(consul('10.0.0.1', broken));
  const good = await FakeUpstream.start(consul('10.0.0.2', () => false));
  // The default group's server answers SERVFAIL to the check name too: it is not checked, so it does not matter.
  const other = await FakeUpstream.start(consul('10.0.0.3', () => true));
  const proxy = await startProxy([
    `server=/service.consul/${bad.spec}`, `server=/service.consul/${good.spec}`, `server=${other.spec}`,
    `health-check=/service.consul/${CHECK}`, 'health-check-interval=50', 'upstream-timeout=300', extra,
  ].join('\n'));
  const close = async () => {
    await proxy.stop();
    await Promise.all([bad.close(), good.close(), other.close()]);
  };
  return { bad, good, other, proxy, close };
}

describe('health-check', () => {
  it('marks a server whose check gets SERVFAIL down after fall checks, sends clients elsewhere, and brings it back after rise good ones', async () => {
    let broken = true;
    const { bad, good, other, proxy, close } = await consulPair(() => broken);
    try {
      await waitFor(() => !upstream(proxy, bad.spec).health.up, 'the SERVFAIL server to be marked down');
      assert.ok(checks(bad) >= 3, `it got at least fall=3 checks (${checks(bad)})`);
      assert.equal(upstream(proxy, good.spec).health.up, true, 'the other Consul server stays up');
      assert.equal(clientQueries(bad, 'web'), 0);

      // Clients' queries go to the good server; the down one gets no query as a probe, even past the
      // passive probe back-off (0.5 s), since checks replace probes.
      for (let i = 0; i < 12; i++) {
        const r = await proxy.query(`web${i}.service.consul`);
        assert.deepEqual(answerData(r.packet), ['10.0.0.2'], `web${i}`);
        await sleep(100);
      }
      assert.equal(clientQueries(bad, 'web'), 0, 'no client query reached the down server');
      assert.equal(clientQueries(good, 'web'), 12);
      assert.equal(upstream(proxy, bad.spec).stats.queries, 0, 'checks are not counted as client queries');

      // The unchecked default group: no checks, and up although it would fail one.
      assert.equal(checks(other), 0);
      assert.deepEqual(answerData((await proxy.query('www.example.com')).packet), ['10.0.0.3']);
      assert.equal(upstream(proxy, other.spec).health.checked, false);

      broken = false;
      const before = checks(bad);
      await waitFor(() => upstream(proxy, bad.spec).health.up, 'the mended server to come back');
      assert.ok(checks(bad) - before >= 2, `it came back after rise=2 good checks (${checks(bad) - before})`);
      const back = upstream(proxy, bad.spec);
      assert.deepEqual([back.health.lastCheck, back.stats.checksOk >= 2, back.stats.checksFailed >= 3], [{ ok: true, result: 'NOERROR' }, true, true]);
      const stats = proxy.server.stats() as { upstreams: { server: string; checks?: { ok: number; failed: number; last: unknown } }[] };
      const row = (spec: string) => stats.upstreams.find((u) => u.server === spec);
      assert.deepEqual(row(bad.spec)?.checks?.last, { ok: true, result: 'NOERROR' }, 'SIGUSR1 reports the checks');
      assert.equal(row(other.spec)?.checks, undefined, 'and none for an unchecked server');
    } finally {
      await close();
    }
  });

  it('shows the checks in /health and /metrics', async () => {
    const { bad, good, other, proxy, close } = await consulPair(() => true, 'metrics-address=127.0.0.1:0');
    try {
      await waitFor(() => !upstream(proxy, bad.spec).health.up, 'the SERVFAIL server to be marked down');
      await waitFor(() => checks(good) > 0 && upstream(proxy, good.spec).health.lastCheck !== null, 'the good server to be checked');
      const base = `http://${proxy.server.metricsEndpoint}`;
      const health = (await (await fetch(`${base}/health`)).json()) as { status: string; upstreams: { server: string; up: boolean; checked: boolean; lastCheck: unknown }[] };
      assert.equal(health.status, 'degraded');
      const by = new Map(health.upstreams.map((u) => [u.server, u]));
      assert.deepEqual(by.get(bad.spec), { server: bad.spec, up: false, looped: false, rttMs: null, checked: true, lastCheck: { ok: false, result: 'SERVFAIL' } });
      assert.deepEqual([by.get(good.spec)?.up, by.get(good.spec)?.checked, by.get(good.spec)?.lastCheck], [true, true, { ok: true, result: 'NOERROR' }]);
      assert.deepEqual([by.get(other.spec)?.checked, by.get(other.spec)?.lastCheck], [false, null]);

      const text = await (await fetch(`${base}/metrics`)).text();
      const value = (series: string): number => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        assert.ok(line, `${series} is exposed`);
        return Number(line.slice(series.length + 1));
      };
      assert.ok(value(`fandns_upstream_health_checks_total{upstream="${bad.spec}",result="fail"}`) >= 3);
      assert.equal(value(`fandns_upstream_health_checks_total{upstream="${bad.spec}",result="ok"}`), 0);
      assert.ok(value(`fandns_upstream_health_checks_total{upstream="${good.spec}",result="ok"}`) >= 1);
      assert.equal(value(`fandns_upstream_healthy{upstream="${bad.spec}"}`), 0);
      assert.ok(!text.includes(`fandns_upstream_health_checks_total{upstream="${other.spec}"`), 'an unchecked server has no check series');
      assert.equal(value(`fandns_upstream_queries_total{upstream="${bad.spec}"}`), 0, 'checks are not client queries');
    } finally {
      await close();
    }
  });

  it('keeps a down server down through a reload, and only the new runtime checks it', async () => {
    let broken = true;
    const { bad, proxy, close } = await consulPair(() => broken);
    try {
      await waitFor(() => !upstream(proxy, bad.spec).health.up, 'the SERVFAIL server to be marked down');
      const oldPorts = new Set(bad.queries.map((q) => q.source.port));
      const old = proxy.server.runtime;
      proxy.server.reload(proxy.config);
      assert.notEqual(proxy.server.runtime, old);
      const now = upstream(proxy, bad.spec);
      assert.equal(now.health.up, false, 'still down in the new runtime');
      assert.ok(now.health.checkFails >= 3, 'its failed-check count is carried over');
      const seen = bad.queries.length;
      broken = false;
      await waitFor(() => upstream(proxy, bad.spec).health.up, 'the new runtime\'s checks to bring it back');
      const after = bad.queries.slice(seen).filter((q) => q.name === CHECK);
      const fromOld = after.filter((q) => oldPorts.has(q.source.port)).length;
      assert.ok(after.length - fromOld >= 2, 'the new runtime sent the checks that brought it back');
      assert.ok(fromOld <= 1, `the old runtime sent no check after the reload beyond one in flight (${fromOld})`);
    } finally {
      await close();
    }
  });

  it('lets timeouts mark a checked server down at once, and only checks bring it back', async () => {
    let silent = false;
    const only = await FakeUpstream.start((q) => (silent && q.name !== CHECK ? { drop: true } : answer('10.0.0.1')(q)));
    // A long interval: the passive rule, not a check, finds the server dead.
    const proxy = await startProxy([
      `server=/service.consul/${only.spec}`, `health-check=/service.consul/${CHECK}`, 'health-check-interval=600000', 'upstream-timeout=200',
    ].join('\n'));
    try {
      await waitFor(() => upstream(proxy, only.spec).health.lastCheck !== null, 'the first check');
      silent = true;
      for (let i = 0; i < 3; i++) assert.equal((await proxy.query(`t${i}.service.consul`)).rcode, 'SERVFAIL');
      const h = upstream(proxy, only.spec).health;
      assert.equal(h.up, false, 'three timeouts marked it down');
      silent = false;
      // Its group has no other server, so it is still asked; its answers reach the client but do
      // not bring it back (an unchecked server would be up again now): only checks do.
      for (let i = 0; i < 3; i++) assert.deepEqual(answerData((await proxy.query(`u${i}.service.consul`)).packet), ['10.0.0.1']);
      assert.equal(h.up, false, 'still down: no check since');
      assert.equal(checks(only), 1, 'one check so far (the interval is long)');
    } finally {
      await proxy.stop();
      await only.close();
    }
  });

  it('leaves a server checks hold down out of the default policy\'s failover race', async () => {
    let dropped = false;
    // Whichever server gets failover.service.consul first loses it; the next asked answers.
    const firstLoses = (ip: string): Script => (q) => {
      if (q.name === 'failover.service.consul' && !dropped) {
        dropped = true;
        return { drop: true };
      }
      return consul(ip, () => false)(q);
    };
    const bad = await FakeUpstream.start(consul('10.0.0.1', () => true));
    const a = await FakeUpstream.start(firstLoses('10.0.0.2'));
    const b = await FakeUpstream.start(firstLoses('10.0.0.3'));
    const proxy = await startProxy([
      `server=/service.consul/${bad.spec}`, `server=/service.consul/${a.spec}`, `server=/service.consul/${b.spec}`,
      `health-check=/service.consul/${CHECK}`, 'health-check-interval=50', 'upstream-timeout=300',
    ].join('\n'));
    try {
      await waitFor(() => !upstream(proxy, bad.spec).health.up, 'the SERVFAIL server to be marked down');
      for (let i = 0; i < 2; i++) assert.equal((await proxy.query(`measure${i}.service.consul`)).rcode, 'NOERROR'); // both others measured
      const r = await proxy.query('failover.service.consul');
      assert.ok(dropped, 'the fastest server lost the query');
      assert.equal(r.rcode, 'NOERROR');
      assert.equal(clientQueries(bad, 'failover') + clientQueries(bad, 'measure'), 0, 'the down server got no client query');
    } finally {
      await proxy.stop();
      await Promise.all([bad.close(), a.close(), b.close()]);
    }
  });

  it('warns about a check no server gets, naming its line', async () => {
    const up = await FakeUpstream.start(answer('10.0.0.1'));
    const mem = memoryLog();
    const proxy = await startProxy([
      `server=/service.consul/${up.spec}`, 'health-check=/consul/consul.service.consul', 'health-check=/service.consul/a.service.consul',
      'health-check=/example.com/example.com', 'health-check=.,NS',
    ].join('\n'), mem.log);
    try {
      assert.deepEqual(mem.lines().map((l) => l.msg).filter((m) => m.includes('health-check')), [
        'test.conf:6: health-check for consul: no server= rule at or below it, or each server has a check of a longer domain; it checks no server',
        'test.conf:8: health-check for example.com: no server= rule at or below it, or each server has a check of a longer domain; it checks no server',
        'test.conf:9: health-check for the default servers: there are none; it checks no server',
      ]);
      await waitFor(() => upstream(proxy, up.spec).health.lastCheck !== null, 'the one server to be checked');
      assert.equal(up.count('a.service.consul'), 1, 'with the longest domain\'s check');
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});
