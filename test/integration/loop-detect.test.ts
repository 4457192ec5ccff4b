/**
 * dns-loop-detect on the wire. A "looper" is a scripted upstream that sends every query it gets
 * on to fandns as a new query (a forwarder whose own upstream is fandns) and never answers: the
 * loop the option is for. fandns must probe each default server once with `<hex>.test` TXT, mark
 * the looper when its probe comes back, stop using it (REFUSED with EDE 14 when no default server
 * is left), leave domain servers alone, probe again on SIGHUP, and send nothing without the option.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, stopCluster, type CliProcess } from '../helpers/cli-process.js';
import { answerData, optOf, query } from '../helpers/dns-client.js';
import { FakeUpstream, freePort, rr, type Script } from '../helpers/fake-upstream.js';
import { isLoopProbe, looper } from '../helpers/looper.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { waitFor } from '../helpers/wait.js';

const isProbe = isLoopProbe;

/** A plain server: A records for every name, NXDOMAIN for anything else. */
const plain = (address: string): Script => (q) => (q.type === 'A' ? { answers: [rr.a(q.name, address)] } : { rcode: 'NXDOMAIN' });

/** Starts the upstreams, then a proxy over them from `conf(specs)`, and runs `body`. */
async function withLoop(
  scripts: (port: () => number) => Script[],
  conf: (specs: string[]) => string,
  body: (ups: FakeUpstream[], proxy: TestProxy) => Promise<void>,
): Promise<void> {
  let proxyPort = 0;
  const ups: FakeUpstream[] = [];
  let proxy: TestProxy | null = null;
  try {
    for (const s of scripts(() => proxyPort)) ups.push(await FakeUpstream.start(s));
    proxy = await startProxy(`upstream-timeout=300\nquery-timeout=1500\n${conf(ups.map((u) => u.spec))}`);
    proxyPort = proxy.port;
    await body(ups, proxy);
  } finally {
    await proxy?.stop();
    await Promise.all(ups.map((u) => u.close()));
  }
}

const looped = (proxy: TestProxy, spec: string) => proxy.server.health().upstreams.find((u) => u.server === spec)?.looped;

describe('dns-loop-detect', () => {
  it('marks a default server whose probe comes back and answers from the others', () =>
    withLoop((port) => [looper(port), plain('192.0.2.1')], ([l, g]) => `dns-loop-detect\nstrict-order\nserver=${l}\nserver=${g}`, async ([l, g], proxy) => {
      await waitFor(() => looped(proxy, l!.spec) === true, 'the looper marked');
      const r = await proxy.query('www.example.com');
      assert.deepEqual(answerData(r.packet), ['192.0.2.1']);
      assert.equal(l!.queries.length, 1, 'the looper got its probe and nothing else');
      const probe = l!.queries[0]!;
      assert.ok(isProbe(probe), probe.name);
      assert.equal(probe.packet.flags! & 0x0100, 0x0100, 'the probe asks for recursion');
      assert.equal(g!.queries.filter(isProbe).length, 1, 'the other server was probed too');
      assert.notEqual(g!.queries.find(isProbe)!.name, probe.name, 'each server has its own probe');
      assert.equal(looped(proxy, g!.spec), false);
      assert.equal(proxy.server.health().status, 'degraded');
      assert.equal(proxy.server.metricsSnapshot().upstreams.find((u) => u.label === l!.spec)?.looped, true);
      assert.equal(proxy.server.runtime.loopGuard.returned, 1);
    }));

  it('knows its probe when it comes back in capitals', () =>
    withLoop((port) => [looper(port, { upper: true }), plain('192.0.2.1')], ([l, g]) => `dns-loop-detect\nserver=${l}\nserver=${g}`, async ([l], proxy) => {
      await waitFor(() => looped(proxy, l!.spec) === true, 'the looper marked');
    }));

  it('answers REFUSED (EDE 14 with EDNS) when every default server loops, and leaves domain servers alone', () =>
    withLoop((port) => [looper(port), plain('10.0.0.8')], ([l, c]) => `dns-loop-detect\nserver=${l}\nserver=/consul/${c}`, async ([l, c], proxy) => {
      await waitFor(() => looped(proxy, l!.spec) === true, 'the looper marked');
      assert.equal((await proxy.query('www.example.com')).rcode, 'REFUSED');
      const edns = await proxy.query('www.example.com', { edns: 1232 });
      assert.equal(edns.rcode, 'REFUSED');
      assert.deepEqual((optOf(edns.packet)?.options ?? []).map((o) => [o.code, o.data.readUInt16BE(0)]), [[15, 14]]);
      assert.deepEqual(answerData((await proxy.query('web.service.consul')).packet), ['10.0.0.8']);
      assert.equal(c!.queries.filter(isProbe).length, 0, 'a domain server is not probed');
      assert.equal(l!.queries.length, 1);
    }));

  it('probes again on SIGHUP, and uses a server again once its probe is answered', async () => {
    let looping = true;
    await withLoop((port) => [looper(port, { looping: () => looping }), plain('192.0.2.1')], ([l, g]) => `dns-loop-detect\nstrict-order\nserver=${l}\nserver=${g}`, async ([l], proxy) => {
      await waitFor(() => looped(proxy, l!.spec) === true, 'the looper marked');
      looping = false;
      proxy.server.reload(proxy.config);
      assert.equal(looped(proxy, l!.spec), false, 'a round clears the mark, as in dnsmasq');
      await waitFor(() => l!.queries.filter(isProbe).length === 2, 'the second probe');
      assert.deepEqual(answerData((await proxy.query('www.example.com')).packet), ['192.0.2.77'], 'the first server answers again');
      assert.equal(looped(proxy, l!.spec), false);
    });
  });

  it('keeps the mark when a hostsdir change rebuilds with the same default servers (no new round)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-loop-'));
    try {
      await withLoop((port) => [looper(port), plain('192.0.2.1')], ([l, g]) => `dns-loop-detect\nhostsdir=${dir}\nserver=${l}\nserver=${g}`, async ([l], proxy) => {
        await waitFor(() => looped(proxy, l!.spec) === true, 'the looper marked');
        const before = proxy.server.runtime;
        writeFileSync(join(dir, 'hosts'), '192.0.2.50 new.lan\n');
        await waitFor(() => proxy.server.runtime !== before, 'the rebuild');
        assert.deepEqual(answerData((await proxy.query('new.lan')).packet), ['192.0.2.50']);
        assert.equal(looped(proxy, l!.spec), true);
        assert.equal(l!.queries.filter(isProbe).length, 1);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forwards a .test TXT question that is not a probe of ours', () =>
    withLoop(() => [(q) => ({ answers: [rr.txt(q.name, 'real')] })], ([u]) => `dns-loop-detect\nserver=${u}`, async ([u], proxy) => {
      await waitFor(() => u!.queries.length === 1, 'the probe');
      const r = await proxy.query('0badf00d.test', { type: 'TXT' });
      assert.equal(r.rcode, 'NOERROR');
      assert.equal(r.packet.answers?.length, 1);
      assert.equal(u!.queries.length, 2);
    }));

  it('sends no probe without the option', () =>
    withLoop(() => [plain('192.0.2.1')], ([u]) => `server=${u}`, async ([u], proxy) => {
      await proxy.query('www.example.com');
      assert.deepEqual(u!.queries.map((q) => q.name), ['www.example.com']);
    }));
});

describe('dns-loop-detect with workers=2 (CLI process)', () => {
  it('marks the looping server in every worker, whichever worker its probes come back to', async () => {
    const port = await freePort();
    const metrics = `127.0.0.1:${await freePort()}`;
    const l = await FakeUpstream.start(looper(() => port));
    const g = await FakeUpstream.start(plain('192.0.2.1'));
    let cli: CliProcess | undefined;
    let workers: number[] = [];
    try {
      ({ cli, workers } = await startCluster(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--dns-loop-detect',
        '--strict-order', '--upstream-timeout=300', `--server=${l.spec}`, `--server=${g.spec}`, `--metrics-address=${metrics}`]));
      type Health = { workers: { pid: number; status: string }[]; upstreams: { server: string; looped: boolean }[] };
      let health: Health | undefined;
      const deadline = Date.now() + 10_000;
      do {
        health = (await (await fetch(`http://${metrics}/health`)).json()) as Health;
        if (health.workers.length === 2 && health.workers.every((w) => w.status === 'degraded')) break;
        await new Promise((r) => setTimeout(r, 50));
      } while (Date.now() < deadline);
      assert.deepEqual(health!.workers.map((w) => w.status), ['degraded', 'degraded'], 'both workers have it looped');
      assert.equal(health!.upstreams.find((u) => u.server === l.spec)?.looped, true);
      const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => query(port, `n${i}.example.com`, { tcp: i % 2 === 1 })));
      assert.ok(replies.every((r) => answerData(r.packet)[0] === '192.0.2.1'));
      assert.deepEqual(l.queries.filter((q) => !isProbe(q)).map((q) => q.name), [], 'no worker asks the looping server');
      assert.equal(new Set(l.queries.map((q) => q.name)).size, 1, 'both workers send the same probe (one secret)');
      const text = await (await fetch(`http://${metrics}/metrics`)).text();
      assert.ok(text.includes(`fandns_upstream_looped{upstream="${l.spec}"} 1`), 'the looped gauge');
    } finally {
      await stopCluster(cli, workers, 'SIGTERM');
      await l.close();
      await g.close();
    }
  });
});
