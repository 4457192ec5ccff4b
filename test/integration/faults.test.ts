/**
 * Upstream faults on the wire: a server that answers garbage (a reply that matches but does not
 * parse, or random bytes), one whose TCP side resets every connection, one that answers only over
 * TCP, and the service-discovery setup of the README (three all-servers Consul servers behind a
 * cname= alias, use-stale-cache) losing one server, then all of them, then getting them back.
 * Timing enters only as hang guards: the client's own timeout is far above what is expected.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { answerData, buildQuery, udpExchange, toReply } from '../helpers/dns-client.js';
import { FakeUpstream, rr, type Script } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { withUpstreams } from '../helpers/scenario.js';
import { answer } from '../helpers/scripts.js';
import { sleep } from '../helpers/wait.js';

/** The upstream counters fandns keeps for `spec`. */
function statsOf(proxy: TestProxy, spec: string) {
  const u = proxy.server.runtime.registry.upstreams().find((x) => x.label === spec);
  assert.ok(u, `upstream ${spec}`);
  return u;
}

/** A reply with the query's ID and question that claims 5 answers and has none. */
const malformed: Script = (q) => {
  let qEnd = 12;
  while (q.raw[qEnd] !== 0) qEnd += q.raw[qEnd]! + 1;
  const out = Buffer.from(q.raw.subarray(0, qEnd + 5));
  out[2] = 0x81;
  out[3] = 0x80;
  out.writeUInt16BE(5, 6);
  out.writeUInt32BE(0, 8);
  return { raw: out };
};

describe('an upstream that answers garbage', () => {
  it('drops a reply that matches but does not parse, counts it as malformed, and answers SERVFAIL without waiting', () =>
    withUpstreams([malformed], 'upstream-timeout=20000\nquery-timeout=30000', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('garbage.fault.test', { timeoutMs: 5000 });
      assert.equal(r.rcode, 'SERVFAIL');
      assert.equal(statsOf(proxy, up!.spec).stats.malformed, 1);
      assert.equal(proxy.server.metricsSnapshot().upstreams[0]!.malformed, 1, 'visible in the metrics');
    }));

  it('fails over to the next server (strict-order) when the first answers garbage', () =>
    withUpstreams([malformed, answer('10.0.0.2')], 'strict-order\nupstream-timeout=20000\nquery-timeout=30000', async ({ ups: [bad], proxy }) => {
      const r = await proxy.query('failover.fault.test', { timeoutMs: 5000 });
      assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      assert.equal(statsOf(proxy, bad!.spec).stats.malformed, 1);
    }));

  it('ignores random bytes (they match no query), counts them, and fails over once the attempt times out', () =>
    withUpstreams([() => ({ raw: Buffer.from('3f1a9c0044e1d2b7a5', 'hex') }), answer('10.0.0.2')], 'strict-order\nupstream-timeout=300\nquery-timeout=3000', async ({ ups: [bad], proxy }) => {
      const r = await proxy.query('noise.fault.test', { timeoutMs: 5000 });
      assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      const u = statsOf(proxy, bad!.spec);
      assert.equal(u.udp.counters.unmatched, 1);
      assert.equal(u.stats.timeouts, 1);
    }));
});

/** An upstream whose UDP side answers TC=1 and whose TCP side accepts, then resets, every connection. */
async function resettingUpstream(): Promise<{ spec: string; accepted: () => number; close: () => Promise<void> }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp: UdpSocket = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const port = udp.address().port;
    let accepted = 0;
    const tcp: Server = createServer((sock) => {
      accepted++;
      sock.resetAndDestroy();
    });
    const ok = await new Promise<boolean>((r) => {
      tcp.once('error', () => r(false));
      tcp.listen(port, '127.0.0.1', () => r(true));
    });
    if (!ok) {
      udp.close();
      continue;
    }
    udp.on('message', (q, rinfo) => {
      let qEnd = 12;
      while (q[qEnd] !== 0) qEnd += q[qEnd]! + 1;
      const tc = Buffer.from(q.subarray(0, qEnd + 5));
      tc[2] = 0x83; // QR, TC, RD
      tc[3] = 0x80;
      tc.writeUInt32BE(0, 6);
      tc.writeUInt16BE(0, 10);
      udp.send(tc, rinfo.port, rinfo.address);
    });
    return {
      spec: `127.0.0.1#${port}`,
      accepted: () => accepted,
      close: async () => {
        udp.close();
        await new Promise<void>((r) => tcp.close(() => r()));
      },
    };
  }
  throw new Error('could not bind a resetting upstream');
}

describe('an upstream whose TCP side resets the connection', () => {
  it('turns the reset into a failure: SERVFAIL alone, the next server (strict-order) otherwise', async () => {
    const reset = await resettingUpstream();
    const good = await FakeUpstream.start(answer('10.0.0.2'));
    const alone = await startProxy(`server=${reset.spec}\nupstream-timeout=20000\nquery-timeout=30000`);
    const chained = await startProxy(`strict-order\nserver=${reset.spec}\nserver=${good.spec}\nupstream-timeout=20000\nquery-timeout=30000`);
    try {
      const r1 = await alone.query('reset.fault.test', { timeoutMs: 5000 });
      assert.equal(r1.rcode, 'SERVFAIL');
      const u = statsOf(alone, reset.spec).stats;
      assert.deepEqual([u.tcpRetries, u.failures], [1, 1]);
      const r2 = await chained.query('reset2.fault.test', { timeoutMs: 5000 });
      assert.deepEqual(answerData(r2.packet), ['10.0.0.2']);
      assert.ok(reset.accepted() >= 2, 'both proxies did open a TCP connection');
    } finally {
      await alone.stop();
      await chained.stop();
      await good.close();
      await reset.close();
    }
  });
});

describe('an upstream that answers only over TCP', () => {
  it('gets the whole answer over TCP after every truncated UDP reply', () => {
    const ips = Array.from({ length: 40 }, (_, i) => `10.4.0.${i}`);
    return withUpstreams([(q) => ({ truncateUdp: true, answers: ips.map((ip) => rr.a(q.name, ip, 60)) })], '', async ({ ups: [up], proxy }) => {
      const big = await proxy.query('big.tcp.test', { tcp: true });
      assert.deepEqual(answerData(big.packet).sort(), [...ips].sort());
      const udp = toReply(await udpExchange(buildQuery('big2.tcp.test', { edns: 1232 }), proxy.port));
      assert.deepEqual(answerData(udp.packet).sort(), [...ips].sort(), 'fits an EDNS client\'s 1232 bytes');
      assert.deepEqual(up!.queries.map((q) => q.proto), ['udp', 'tcp', 'udp', 'tcp']);
    });
  });
});

describe('the README service-discovery setup under failure', () => {
  const CONSUL = ['10.1.0.1', '10.1.0.2'];
  const consul = (ips: readonly string[]): Script => (q) => ({ answers: ips.map((ip) => rr.a(q.name, ip, 1)) });

  /** The A records (data and TTL) of an answer to web.example.com, after its CNAME. */
  const addresses = (r: Awaited<ReturnType<TestProxy['query']>>) => {
    const answers = r.packet.answers ?? [];
    assert.deepEqual(answers[0] && [answers[0].type, (answers[0] as { data: string }).data], ['CNAME', 'web.service.consul']);
    return answers.slice(1).map((a) => ({ ip: (a as { data: string }).data, ttl: (a as { ttl: number }).ttl }));
  };

  it('same answer with one of three servers dead, the stale one (TTL 30) with all dead, fresh again once they return', async () => {
    let ups = await Promise.all([0, 1, 2].map(() => FakeUpstream.start(consul(CONSUL))));
    const ports = ups.map((u) => u.port);
    const conf = [
      'all-servers',
      ...ups.map((u) => `server=/service.consul/${u.spec}`),
      'cname=web.example.com,web.service.consul',
      'use-stale-cache',
      'upstream-timeout=300',
      'query-timeout=1000',
      'stale-client-timeout=400',
    ].join('\n');
    const proxy = await startProxy(conf);
    const ask = (name = 'web.example.com') => proxy.query(name, { timeoutMs: 5000 });
    try {
      assert.deepEqual(addresses(await ask()).map((a) => a.ip).sort(), CONSUL);

      await ups[0]!.close();
      await sleep(1300); // the 1 s TTL runs out (the clock is coarse)
      const oneDead = addresses(await ask());
      assert.deepEqual(oneDead.map((a) => a.ip).sort(), CONSUL, 'the same answer from the other two');
      assert.ok(oneDead.every((a) => a.ttl <= 1), 'fresh, not stale');

      await ups[1]!.close();
      await ups[2]!.close();
      await sleep(1300);
      const stale = addresses(await ask());
      assert.deepEqual(stale.map((a) => a.ip).sort(), CONSUL);
      assert.ok(stale.every((a) => a.ttl === 30), 'stale answers carry TTL 30');
      for (let i = 0; i < 3; i++) assert.equal((await ask(`never${i}.service.consul`)).rcode, 'SERVFAIL', 'nothing cached: SERVFAIL');
      assert.ok(proxy.server.metricsSnapshot().upstreams.every((u) => !u.up), 'every server marked down');
      assert.equal(proxy.server.health().status, 'degraded');

      ups = await Promise.all(ports.map((p) => FakeUpstream.start(consul(['10.1.0.9']), p)));
      let fresh: { ip: string }[] = [];
      for (let i = 0; i < 50 && fresh[0]?.ip !== '10.1.0.9'; i++) {
        fresh = addresses(await ask());
        if (fresh[0]?.ip !== '10.1.0.9') await sleep(100);
      }
      assert.deepEqual(fresh.map((a) => a.ip), ['10.1.0.9'], 'fresh answers once the servers are back');
      for (let i = 0; i < 50 && proxy.server.health().status !== 'ok'; i++) {
        await ask(`probe${i}.service.consul`);
        await sleep(100);
      }
      assert.ok(proxy.server.metricsSnapshot().upstreams.every((u) => u.up), 'every server marked up again');
      assert.equal(proxy.server.health().status, 'ok');
    } finally {
      await proxy.stop();
      await Promise.all(ups.map((u) => u.close()));
    }
  });
});
