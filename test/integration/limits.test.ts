/**
 * Limits on the wire: dns-forward-max refuses queries beyond the cap at once; query-timeout bounds
 * a forwarded query (SERVFAIL) and the work behind it; an upstream that is fandns itself is
 * dropped, so a query can never loop through the proxy.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { FandnsServer } from '../../src/server.js';
import { answerData, query, type Reply } from '../helpers/dns-client.js';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy, TEST_PREAMBLE } from '../helpers/proxy.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { withUpstreams } from '../helpers/scenario.js';
import { answer, dead } from '../helpers/scripts.js';
import { sleep, waitFor } from '../helpers/wait.js';

describe('dns-forward-max', () => {
  it('refuses a third concurrent distinct query at once when the cap is 2', () =>
    withUpstreams([answer('10.0.0.1', 600)], 'dns-forward-max=2\nupstream-timeout=2000\nquery-timeout=4000', async ({ ups: [up], proxy }) => {
      const settled: string[] = [];
      const track = (name: string, p: Promise<Reply>) => p.then((r) => (settled.push(name), r));
      const q1 = track('q1', proxy.query('q1.max.test'));
      const q2 = track('q2', proxy.query('q2.max.test'));
      await waitFor(() => up!.queries.length === 2, 'both queries to reach the upstream');
      const r3 = await track('q3', proxy.query('q3.max.test'));
      assert.equal(r3.rcode, 'REFUSED');
      assert.deepEqual(settled, ['q3'], 'the refusal came while the first two were still in flight');
      assert.equal(up!.count('q3.max.test'), 0, 'the refused query was not forwarded');
      assert.deepEqual(answerData((await q1).packet), ['10.0.0.1']);
      assert.deepEqual(answerData((await q2).packet), ['10.0.0.1']);
      const r4 = await proxy.query('q4.max.test');
      assert.equal(r4.rcode, 'NOERROR', 'the budget is free again once they finish');
    }));
});

describe('query-timeout', () => {
  it('answers SERVFAIL when the only upstream is dead', () =>
    withUpstreams([dead()], 'upstream-timeout=2000\nquery-timeout=300', async ({ proxy }) => {
      const r = await proxy.query('dead.qt.test', { timeoutMs: 5000 });
      assert.equal(r.rcode, 'SERVFAIL');
    }));

  it('answers SERVFAIL, not a late answer, when the upstream is slower than query-timeout', () =>
    withUpstreams([answer('10.0.0.1', 800)], 'upstream-timeout=2000\nquery-timeout=300', async ({ proxy }) => {
      const r = await proxy.query('slow.qt.test', { timeoutMs: 5000 });
      assert.equal(r.rcode, 'SERVFAIL');
      assert.deepEqual(answerData(r.packet), []);
    }));

  it('stops asking further servers once the query has timed out (strict-order)', () =>
    withUpstreams([dead(), dead(), dead(), dead()], 'strict-order\nupstream-timeout=300\nquery-timeout=400', async ({ ups, proxy }) => {
      const r = await proxy.query('walk.qt.test', { timeoutMs: 5000 });
      assert.equal(r.rcode, 'SERVFAIL');
      // Long enough for the walk to have reached servers 3 and 4, had it gone on.
      await sleep(1200);
      assert.deepEqual(ups.map((u) => u.queries.length), [1, 1, 0, 0]);
    }));
});

describe('an upstream that is fandns itself', () => {
  /** Starts fandns on a known free port with `servers` (a function of that port) as server= lines. */
  async function startOn(servers: (port: number) => string[]): Promise<{ server: FandnsServer; port: number }> {
    const port = await freePort();
    const config = parseConfigText(
      ['port=' + port, 'listen-address=127.0.0.1', 'no-resolv', 'strict-order', 'upstream-timeout=300', 'query-timeout=1500', ...servers(port)].join('\n'),
      'self.conf',
    );
    const server = new FandnsServer(config, createLogger('silent'));
    await server.start();
    return { server, port };
  }

  it('drops itself from the server list at start-up; the other server answers and nothing loops', async () => {
    const other = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 60)] }));
    const self = await startOn((port) => [`server=127.0.0.1#${port}`, `server=${other.spec}`]);
    try {
      const r = await query(self.port, 'loop.self.test');
      assert.equal(r.rcode, 'NOERROR');
      assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      // A query looping through the proxy would pass the forward stage again.
      assert.equal(self.server.runtime.forward.counters.forwarded, 1, 'forwarded once, to the other server');
    } finally {
      await self.server.stop();
      await other.close();
    }
  });

  it('answers REFUSED when it is its own only server', async () => {
    const self = await startOn((port) => [`server=127.0.0.1#${port}`]);
    try {
      const r = await query(self.port, 'alone.self.test');
      assert.equal(r.rcode, 'REFUSED');
      const c = self.server.runtime.forward.counters;
      assert.equal(c.forwarded, 0, 'nothing was forwarded');
      assert.equal(c.refusedNoServer, 1);
    } finally {
      await self.server.stop();
    }
  });

  it('drops itself when a reload names it', () =>
    withUpstreams([answer('10.0.0.2')], '', async ({ ups: [other], proxy }) => {
      const conf = `${TEST_PREAMBLE}strict-order\nupstream-timeout=300\nserver=127.0.0.1#${proxy.port}\nserver=${other!.spec}`;
      proxy.server.reload(parseConfigText(conf, 'reload.conf'));
      const r = await proxy.query('reload.self.test');
      assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      assert.equal(proxy.server.runtime.forward.counters.forwarded, 1, 'forwarded once, to the other server');
    }));

  it('drops a tls:// or https:// server that is its own DNS-over-TLS or DNS-over-HTTPS listener', async () => {
    const other = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 60)] }));
    const mem = memoryLog('warn');
    // The test CA is trusted, so fandns would accept its own certificate: a server not dropped would be asked.
    const tls = `tls-port=0\nhttps-port=0\ntls-cert-file=${TLS_FIXTURE('server.pem')}\ntls-key-file=${TLS_FIXTURE('server.key')}\ntls-ca-file=${TLS_FIXTURE('ca.pem')}\n`;
    const proxy = await startProxy(`${tls}server=${other.spec}\n`, mem.log);
    try {
      const port = (p: 'tls' | 'https') => proxy.server.encryptedEndpoints.find((e) => e.protocol === p)!.port;
      const dot = `tls://127.0.0.1#${port('tls')},dns.fandns.test`;
      const doh = `https://127.0.0.1:${port('https')}/dns-query,dns.fandns.test`;
      // Each protocol only against its own listener: the plain port over TLS is not fandns speaking TLS.
      const unlike = `tls://127.0.0.1#${proxy.port},dns.fandns.test`;
      proxy.server.reload(parseConfigText(`${TEST_PREAMBLE}${tls}strict-order\nupstream-timeout=500\nserver=${dot}\nserver=${doh}\nserver=${unlike}\nserver=${other.spec}\n`, 'self.conf'));
      const labels = proxy.server.runtime.registry.upstreams().map((u) => u.label);
      assert.deepEqual(labels, [`tls://127.0.0.1#${proxy.port}`, `127.0.0.1#${other.port}`]);
      const warned = mem.lines().filter((l) => l.msg.includes('it is fandns itself')).map((l) => l.msg);
      assert.equal(warned.length, 2, warned.join('\n'));
      assert.match(warned[0]!, /tls:\/\/127\.0\.0\.1#\d+ - it is fandns itself/);
      assert.match(warned[1]!, /https:\/\/127\.0\.0\.1#\d+ - it is fandns itself/);
      const r = await proxy.query('encrypted.self.test');
      assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      assert.equal(other.count('encrypted.self.test'), 1);
      assert.equal(proxy.server.runtime.forward.counters.forwarded, 1, 'forwarded once: nothing came back through the encrypted listeners');
    } finally {
      await proxy.stop();
      await other.close();
    }
  });
});
