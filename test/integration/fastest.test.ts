/**
 * The default policy ("fastest") on the wire: once both servers have been measured, single queries
 * go to the faster one; an error from the chosen server is not the last word; a dead server is
 * marked down after a few failures, skipped while down (through a reload too), and asked again by a
 * probe once it is back.
 * Assertions count queries per upstream, never time.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData } from '../helpers/dns-client.js';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { withUpstreams } from '../helpers/scenario.js';
import { answer, dead } from '../helpers/scripts.js';
import { sleep, waitFor } from '../helpers/wait.js';

const CONF = 'upstream-timeout=300\nquery-timeout=3000';

/** The proxy's view of an upstream's health (read only to wait for a state, never asserted on timing). */
function isUp(proxy: TestProxy, spec: string): boolean {
  const up = proxy.server.runtime.registry.upstreams().find((x) => x.label === spec);
  assert.ok(up, `upstream ${spec} is configured`);
  return up.health.up;
}

/** Sends one query for a fresh name and checks it was answered with `ip`. */
async function expectAnswer(proxy: TestProxy, name: string, ip: string): Promise<void> {
  const r = await proxy.query(name);
  assert.equal(r.rcode, 'NOERROR', name);
  assert.deepEqual(answerData(r.packet), [ip], name);
}

describe('fastest (default policy)', () => {
  it('sends most single queries to the faster of two healthy servers', () =>
    withUpstreams([answer('10.0.0.9', 120), answer('10.0.0.1')], CONF, async ({ ups: [slow, fast], proxy }) => {
      // The first query goes to both (nothing measured yet); let the slow reply arrive too.
      await expectAnswer(proxy, 'warm.fastest.test', '10.0.0.1');
      await waitFor(() => slow!.queries.length === 1, 'the slow server to see the first query');
      await sleep(300);
      const N = 30;
      for (let i = 0; i < N; i++) await expectAnswer(proxy, `q${i}.fastest.test`, '10.0.0.1');
      const toFast = fast!.queries.filter((q) => q.name.startsWith('q')).length;
      const toSlow = slow!.queries.filter((q) => q.name.startsWith('q')).length;
      assert.equal(toFast, N, 'the fast server saw every query');
      assert.ok(toSlow <= 2, `the slow server saw only measurement probes (${toSlow} of ${N})`);
    }));

  it('returns the other server\'s answer when the chosen server answers SERVFAIL', () =>
    withUpstreams(
      [answer('10.0.0.9', 120), (q) => (q.name.startsWith('broken') ? { rcode: 'SERVFAIL' } : answer('10.0.0.1')(q))],
      CONF,
      async ({ ups: [slow, fast], proxy }) => {
        await expectAnswer(proxy, 'warm.fastest.test', '10.0.0.1');
        await waitFor(() => slow!.queries.length === 1, 'the slow server to see the first query');
        await sleep(300);
        await expectAnswer(proxy, 'one.fastest.test', '10.0.0.1');
        await expectAnswer(proxy, 'broken.fastest.test', '10.0.0.9');
        assert.equal(fast!.count('broken.fastest.test'), 1, 'the fast server was asked first');
        assert.equal(slow!.count('broken.fastest.test'), 1, 'then the slow one');
      },
    ));

  it('returns the other server\'s answer when the chosen server stops answering', () =>
    withUpstreams([answer('10.0.0.9', 120), answer('10.0.0.1')], CONF, async ({ ups: [slow, fast], proxy }) => {
      await expectAnswer(proxy, 'warm.fastest.test', '10.0.0.1');
      await waitFor(() => slow!.queries.length === 1, 'the slow server to see the first query');
      await sleep(300);
      fast!.setScript(dead());
      await expectAnswer(proxy, 'silent.fastest.test', '10.0.0.9');
    }));

  it('marks a silent server down, skips it, and probes it again once it answers', () =>
    withUpstreams([dead(), answer('10.0.0.1')], CONF, async ({ ups: [flaky, live], proxy }) => {
      let i = 0;
      // Every query is answered by the live server while the silent one collects failures.
      for (; i < 40 && isUp(proxy, flaky!.spec); i++) {
        await expectAnswer(proxy, `d${i}.fastest.test`, '10.0.0.1');
        await sleep(100);
      }
      assert.equal(isUp(proxy, flaky!.spec), false, 'the silent server is marked down');
      const seenWhileUp = flaky!.queries.length;
      assert.ok(seenWhileUp >= 3, `it was asked a few times before (${seenWhileUp})`);

      const before = flaky!.queries.length;
      for (let k = 0; k < 10; k++) await expectAnswer(proxy, `skip${k}.fastest.test`, '10.0.0.1');
      assert.ok(flaky!.queries.length - before <= 1, 'a down server gets at most a probe, not the traffic');
      assert.equal(live!.queries.filter((q) => q.name.startsWith('skip')).length, 10);

      // It comes back: a probe reaches it, its answer brings it up again.
      flaky!.setScript(answer('10.0.0.2'));
      const back = flaky!.queries.length;
      for (let k = 0; k < 60 && flaky!.queries.length === back; k++) {
        const r = await proxy.query(`probe${k}.fastest.test`);
        assert.equal(r.rcode, 'NOERROR');
        await sleep(100);
      }
      assert.ok(flaky!.queries.length > back, 'the recovered server was probed');
      await waitFor(() => isUp(proxy, flaky!.spec), 'the recovered server to be marked up');
    }));

  it('probes a server that had been measured before it went down, on the probe schedule', () =>
    withUpstreams([answer('10.0.0.9', 40), answer('10.0.0.1')], CONF, async ({ ups: [slow, fast], proxy }) => {
      // The first query races both, so both are measured; then the faster one goes silent.
      await expectAnswer(proxy, 'warm.fastest.test', '10.0.0.1');
      await waitFor(() => slow!.queries.length === 1, 'the slow server to see the first query');
      fast!.setScript(dead());
      for (let i = 0; i < 10 && isUp(proxy, fast!.spec); i++) await expectAnswer(proxy, `d${i}.fastest.test`, '10.0.0.9');
      assert.equal(isUp(proxy, fast!.spec), false, 'the silent server is marked down');
      fast!.setScript(answer('10.0.0.1'));
      const back = fast!.queries.length;
      // Its probes are due 0.5, 1 and 2 s after it went down; no re-measuring race comes before
      // the 50th query or 20 s, so only a probe of its own can reach it within these 30 queries.
      for (let k = 0; k < 30 && fast!.queries.length === back; k++) {
        assert.equal((await proxy.query(`back${k}.fastest.test`)).rcode, 'NOERROR');
        await sleep(100);
      }
      assert.ok(fast!.queries.length > back, 'the recovered server was probed');
      await waitFor(() => isUp(proxy, fast!.spec), 'the recovered server to be marked up');
    }));

  it('keeps a down server down through a reload: it gets a probe, not the traffic', () =>
    withUpstreams([dead(), answer('10.0.0.1')], CONF, async ({ ups: [silent, live], proxy }) => {
      for (let i = 0; i < 40 && isUp(proxy, silent!.spec); i++) {
        await expectAnswer(proxy, `r${i}.fastest.test`, '10.0.0.1');
        await sleep(100);
      }
      assert.equal(isUp(proxy, silent!.spec), false, 'the silent server is marked down');
      proxy.server.reload(proxy.config);
      assert.equal(isUp(proxy, silent!.spec), false, 'still down in the new runtime');
      const before = silent!.queries.length;
      for (let k = 0; k < 10; k++) await expectAnswer(proxy, `after${k}.fastest.test`, '10.0.0.1');
      assert.ok(silent!.queries.length - before <= 1, `a probe at most after the reload (${silent!.queries.length - before})`);
      assert.equal(live!.queries.filter((q) => q.name.startsWith('after')).length, 10);
    }));

  it('probes a server whose port was closed once it listens again on the same port', async () => {
    const live = await FakeUpstream.start(answer('10.0.0.1'));
    let gone: FakeUpstream | null = await FakeUpstream.start(answer('10.0.0.2'));
    const port = gone.port;
    const spec = gone.spec;
    const proxy = await startProxy(`server=${gone.spec}\nserver=${live.spec}\n${CONF}`);
    try {
      await gone.close();
      gone = null;
      let i = 0;
      for (; i < 40 && isUp(proxy, spec); i++) {
        await expectAnswer(proxy, `c${i}.fastest.test`, '10.0.0.1');
        await sleep(50);
      }
      assert.equal(isUp(proxy, spec), false, 'the closed server is marked down');
      for (let k = 0; k < 10; k++) await expectAnswer(proxy, `skip${k}.fastest.test`, '10.0.0.1');

      gone = await FakeUpstream.start(answer('10.0.0.2'), port);
      for (let k = 0; k < 60 && gone.queries.length === 0; k++) {
        assert.equal((await proxy.query(`back${k}.fastest.test`)).rcode, 'NOERROR');
        await sleep(100);
      }
      assert.ok(gone.queries.length > 0, 'the restarted server was probed');
      await waitFor(() => isUp(proxy, spec), 'the restarted server to be marked up');
    } finally {
      await proxy.stop();
      await live.close();
      await gone?.close();
    }
  });
});
