/**
 * A down server due for a probe gets the query on the side. When the query's own policy later
 * comes to that server (strict-order's turn after the servers that are up failed, or the default
 * policy's race after its first server's REFUSED), it takes the probe's result: the server is
 * asked once, not twice, and the client gets its answer.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { answer, dead, refused } from '../helpers/scripts.js';
import { sleep } from '../helpers/wait.js';

for (const policy of ['strict-order', 'fastest']) {
  describe(`${policy}: a probed server is asked once per query`, () => {
    it('joins the probe instead of sending the same query again', async () => {
      const live = await FakeUpstream.start(refused());
      const back = await FakeUpstream.start(dead());
      const lines = [`server=/service.consul/${back.spec}`, `server=/service.consul/${live.spec}`, 'upstream-timeout=400', 'query-timeout=5000'];
      if (policy === 'strict-order') lines.push('strict-order=/service.consul/');
      const p = await startProxy(lines.join('\n'));
      try {
        // Three exchanges in a row time out: that server is marked down.
        for (const n of ['a', 'b', 'c']) assert.equal((await p.query(`${n}.service.consul`, { timeoutMs: 4000 })).rcode, 'REFUSED');
        assert.equal(p.server.health().upstreams.find((u) => u.server === back.spec)?.up, false);
        back.setScript(answer('192.0.2.7'));
        await sleep(700); // its first probe is due 0.5 s after it went down
        const r = await p.query('web.service.consul', { timeoutMs: 4000 });
        assert.equal(r.rcode, 'NOERROR', 'the probe’s answer reached the client after the REFUSED');
        assert.deepEqual((r.packet.answers ?? []).map((a) => (a as { data: string }).data), ['192.0.2.7']);
        assert.equal(back.count('web.service.consul'), 1, 'the probed server got the query once');
        assert.equal(live.count('web.service.consul'), 1);
        assert.equal(p.server.health().upstreams.find((u) => u.server === back.spec)?.up, true, 'its answer brought it back');
      } finally {
        await p.stop();
        await live.close();
        await back.close();
      }
    });
  });
}
