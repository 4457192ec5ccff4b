/**
 * Upstream source ports on the wire: query-port=N (every server sees port N, one socket each, and
 * a reload hands the socket on so queries in flight still get their answers), a server's own
 * `@addr#port` across a reload (it used to fail to bind until the old socket closed),
 * min-port..max-port (every port in range, more than one used, ports in use skipped) and
 * query-port=0 (one OS-chosen port per server).
 */
import { describe, it } from 'node:test';
import { createSocket, type Socket } from 'node:dgram';
import { strict as assert } from 'node:assert';
import { answerData } from '../helpers/dns-client.js';
import { FakeUpstream, freePort, rr, type Script } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { withUpstreams } from '../helpers/scenario.js';

/** A records for every name; names starting with `slow` after 300 ms. */
const answer = (address: string): Script => (q) => ({ answers: [rr.a(q.name, address)], delayMs: q.name.startsWith('slow') ? 300 : 0 });
const ports = (queries: readonly { source: { port: number } }[]) => [...new Set(queries.map((q) => q.source.port))].sort();

describe('upstream source ports', () => {
  it('query-port=N: every server sees port N, and a reload keeps answering, queries in flight included', async () => {
    const port = await freePort();
    await withUpstreams([answer('192.0.2.1'), answer('192.0.2.2')], `query-port=${port}\nall-servers\nupstream-timeout=1000`, async ({ ups: [a, b], proxy }) => {
      for (let i = 0; i < 10; i++) assert.equal((await proxy.query(`n${i}.example`)).rcode, 'NOERROR');
      const inFlight = proxy.query('slow.example');
      await new Promise((r) => setTimeout(r, 50));
      proxy.server.reload(proxy.config);
      assert.equal((await inFlight).rcode, 'NOERROR', 'the old runtime\'s query got its reply on the handed-on socket');
      for (let i = 10; i < 20; i++) assert.equal((await proxy.query(`n${i}.example`)).rcode, 'NOERROR');
      assert.deepEqual(ports(a!.queries), [port]);
      assert.deepEqual(ports(b!.queries), [port]);
    });
  });

  it('a server\'s own @addr#port still answers after a reload', async () => {
    const port = await freePort();
    const up = await FakeUpstream.start(answer('192.0.2.1'));
    const proxy = await startProxy(`server=${up.spec}@127.0.0.1#${port}\nupstream-timeout=1000`);
    try {
      assert.deepEqual(answerData((await proxy.query('one.example')).packet), ['192.0.2.1']);
      proxy.server.reload(proxy.config);
      assert.deepEqual(answerData((await proxy.query('two.example')).packet), ['192.0.2.1']);
      assert.deepEqual(ports(up.queries), [port]);
    } finally {
      await proxy.stop();
      await up.close();
    }
  });

  it('min-port..max-port: every source port in the range, more than one of them', async () => {
    const min = 20000 + (process.pid % 400) * 100;
    await withUpstreams([answer('192.0.2.1')], `min-port=${min}\nmax-port=${min + 63}`, async ({ ups: [a], proxy }) => {
      for (let i = 0; i < 60; i++) assert.equal((await proxy.query(`n${i}.example`)).rcode, 'NOERROR');
      const used = ports(a!.queries);
      assert.ok(used.every((p) => p >= min && p <= min + 63), used.join(','));
      assert.ok(used.length > 1, 'a pool of ports, not one');
    });
  });

  it('min-port..max-port with most of the range taken: a port in use is skipped, no query fails', async () => {
    const min = 20000 + (process.pid % 400) * 100 + 70;
    const hogs: Socket[] = [];
    for (let p = min; p < min + 20; p++) {
      const h = createSocket('udp4');
      const ok = await new Promise<boolean>((r) => {
        h.once('error', () => r(false));
        h.bind(p, () => r(true));
      });
      if (ok) hogs.push(h);
      else h.close();
    }
    try {
      await withUpstreams([answer('192.0.2.1')], `min-port=${min}\nmax-port=${min + 27}`, async ({ ups: [a], proxy }) => {
        for (let i = 0; i < 40; i++) assert.equal((await proxy.query(`n${i}.example`)).rcode, 'NOERROR');
        const taken = new Set(hogs.map((h) => h.address().port));
        assert.deepEqual(ports(a!.queries).filter((p) => p < min || p > min + 27 || taken.has(p)), []);
      });
    } finally {
      for (const h of hogs) h.close();
    }
  });

  it('query-port=0: one OS-chosen port per server, kept', () =>
    withUpstreams([answer('192.0.2.1'), answer('192.0.2.2')], 'query-port=0\nall-servers', async ({ ups: [a, b], proxy }) => {
      for (let i = 0; i < 40; i++) assert.equal((await proxy.query(`n${i}.example`)).rcode, 'NOERROR');
      assert.equal(ports(a!.queries).length, 1);
      assert.equal(ports(b!.queries).length, 1);
    }));
});
