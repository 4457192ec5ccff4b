/**
 * all-servers, merge-answers and strict-order with a dead server (listed first): once it is marked
 * down, the queries that probe it (0.5 s after, then backing off) still send it the query but do
 * not wait for it, so no client is held for the whole upstream-timeout at each probe. (The default
 * policy's probes: fastest.test.ts.) The live server answers NXDOMAIN, the answer all-servers and
 * merge-answers only give once every awaited server has answered; the client's own
 * timeout (1.5 s) is half the upstream-timeout (3 s), so a client held for the probe gets nothing.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { dead, nxdomain } from '../helpers/scripts.js';
import { sleep } from '../helpers/wait.js';

for (const policy of ['all-servers', 'merge-answers', 'strict-order']) {
  describe(`${policy}: a down server being probed holds no client`, () => {
    it('probes the dead server without waiting for it', async () => {
      const live = await FakeUpstream.start(nxdomain());
      const gone = await FakeUpstream.start(dead());
      // The dead server first: strict-order would try it first.
      const p = await startProxy([`server=/service.consul/${gone.spec}`, `server=/service.consul/${live.spec}`, `${policy}=/service.consul/`,
        'upstream-timeout=3000', 'query-timeout=10000'].join('\n'));
      try {
        // Three exchanges in a row fail: the dead server is marked down.
        const first = await Promise.all(['a', 'b', 'c'].map((n) => p.query(`${n}.service.consul`, { timeoutMs: 8000 })));
        assert.deepEqual(first.map((r) => r.rcode), ['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN']);
        assert.equal(p.server.health().upstreams.find((u) => u.server === gone.spec)?.up, false);
        await sleep(700); // its first probe is due 0.5 s after it went down
        const before = gone.queries.length;
        const r = await p.query('probe.service.consul', { timeoutMs: 1500 });
        assert.equal(r.rcode, 'NXDOMAIN', 'answered without waiting for the probed server');
        assert.equal(gone.queries.length, before + 1, 'the dead server was probed with that query');
      } finally {
        await p.stop();
        await live.close();
        await gone.close();
      }
    });
  });
}
