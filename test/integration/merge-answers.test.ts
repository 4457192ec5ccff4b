/**
 * merge-answers=/d/ on the wire: three fake Consul agents for service.consul, each with its own A
 * and SRV sets (one slow, one dead, one NXDOMAIN in some tests); the client gets the union of the
 * positive answers, deduplicated, with the lowest TTL, SRV glue merged; records win over NXDOMAIN;
 * all failing is SERVFAIL; the merged answer is cached; EDNS and UDP truncation as for any reply.
 * The default servers keep the fastest policy.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData, optOf, type Reply } from '../helpers/dns-client.js';
import { FakeUpstream, rr, type Script } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { answer, dead, nxdomain, servfail } from '../helpers/scripts.js';

const SVC = '_web._tcp.service.consul';
const CONF = 'upstream-timeout=400\nquery-timeout=3000';

/** An agent knowing `addrs` for web.service.consul (TTL `ttl`) and SRV targets `nodes` (node name → address). */
const agent = (addrs: string[], nodes: Record<string, string>, ttl = 30, delayMs = 0): Script => (q) => {
  if (q.type === 'SRV') {
    return {
      delayMs,
      answers: Object.keys(nodes).map((n) => rr.srv(q.name, `${n}.node.dc1.consul`, 8000 + Number(n.slice(4)), ttl)),
      additionals: Object.entries(nodes).map(([n, ip]) => rr.a(`${n}.node.dc1.consul`, ip, ttl)),
    };
  }
  if (q.type === 'A') return { delayMs, answers: addrs.map((ip) => rr.a(q.name, ip, ttl)) };
  return { delayMs };
};

/** Consul servers (merge-answers) plus one default server, the proxy, and a cleanup that always runs. */
async function withConsul(scripts: Script[], body: (p: TestProxy, consul: FakeUpstream[], def: FakeUpstream) => Promise<void>, extra = ''): Promise<void> {
  const consul: FakeUpstream[] = [];
  let def: FakeUpstream | null = null;
  let proxy: TestProxy | null = null;
  try {
    for (const s of scripts) consul.push(await FakeUpstream.start(s));
    def = await FakeUpstream.start(answer('192.0.2.80'));
    const lines = [`server=${def.spec}`, ...consul.map((u) => `server=/service.consul/${u.spec}`), 'merge-answers=/service.consul/', CONF, extra];
    proxy = await startProxy(lines.join('\n'));
    await body(proxy, consul, def);
  } finally {
    await proxy?.stop();
    await Promise.all([...consul, ...(def ? [def] : [])].map((u) => u.close()));
  }
}

const sorted = (r: Reply) => answerData(r.packet).sort();
const ttlsOf = (r: Reply, type: string) => [...new Set((r.packet.answers ?? []).filter((a) => a.type === type).map((a) => (a as { ttl: number }).ttl))];

describe('merge-answers', () => {
  it('answers A with the union of every agent\'s records, each once, at the lowest TTL (one agent slow)', () =>
    withConsul([agent(['10.0.0.1', '10.0.0.2'], {}, 30), agent(['10.0.0.2', '10.0.0.3'], {}, 10), agent(['10.0.0.4'], {}, 20, 150)], async (p, consul) => {
      const r = await p.query('web.service.consul');
      assert.equal(r.rcode, 'NOERROR');
      assert.deepEqual(sorted(r), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'], 'the slow agent\'s record is in too');
      assert.ok(ttlsOf(r, 'A').length === 1 && ttlsOf(r, 'A')[0]! <= 10);
      assert.deepEqual(consul.map((u) => u.count('web.service.consul')), [1, 1, 1]);
      assert.equal(p.server.metricsSnapshot().forward.merged, 1);
    }));

  it('merges SRV records and their additional A glue', () =>
    withConsul([agent([], { node1: '10.1.0.1', node2: '10.1.0.2' }), agent([], { node2: '10.1.0.2', node3: '10.1.0.3' }), agent([], { node4: '10.1.0.4' }, 30, 100)], async (p) => {
      const r = await p.query(SVC, { type: 'SRV' });
      assert.equal(r.rcode, 'NOERROR');
      const targets = (r.packet.answers ?? []).map((a) => (a as { data: { target: string } }).data.target).sort();
      assert.deepEqual(targets, ['node1.node.dc1.consul', 'node2.node.dc1.consul', 'node3.node.dc1.consul', 'node4.node.dc1.consul']);
      const glue = (r.packet.additionals ?? []).filter((a) => a.type === 'A').map((a) => `${a.name} ${(a as { data: string }).data}`).sort();
      assert.deepEqual(glue, ['node1.node.dc1.consul 10.1.0.1', 'node2.node.dc1.consul 10.1.0.2', 'node3.node.dc1.consul 10.1.0.3', 'node4.node.dc1.consul 10.1.0.4']);
    }));

  it('answers with the records when one agent is dead and another says NXDOMAIN', () =>
    withConsul([dead(), nxdomain(), agent(['10.0.0.7'], {})], async (p) => {
      const r = await p.query('web.service.consul');
      assert.equal(r.rcode, 'NOERROR', 'records win over NXDOMAIN');
      assert.deepEqual(sorted(r), ['10.0.0.7']);
    }));

  it('merges the answers that came when one agent is dead', () =>
    withConsul([agent(['10.0.0.1'], {}), dead(), agent(['10.0.0.3'], {})], async (p) => {
      const r = await p.query('web.service.consul');
      assert.deepEqual(sorted(r), ['10.0.0.1', '10.0.0.3']);
    }));

  it('returns NXDOMAIN when no agent has records, and SERVFAIL when all fail', async () => {
    await withConsul([nxdomain(), nxdomain(), dead()], async (p) => {
      const r = await p.query('gone.service.consul');
      assert.equal(r.rcode, 'NXDOMAIN');
      assert.equal(r.packet.authorities?.[0]?.type, 'SOA');
    });
    await withConsul([servfail(), dead(), servfail()], async (p) => {
      assert.equal((await p.query('web.service.consul')).rcode, 'SERVFAIL');
      assert.equal(p.server.metricsSnapshot().forward.merged, 0);
    });
  });

  it('caches the merged answer', () =>
    withConsul([agent(['10.0.0.1'], {}), agent(['10.0.0.2'], {})], async (p, consul) => {
      const first = await p.query('web.service.consul');
      const second = await p.query('web.service.consul');
      assert.deepEqual(sorted(second), sorted(first));
      assert.deepEqual(sorted(second), ['10.0.0.1', '10.0.0.2']);
      assert.deepEqual(consul.map((u) => u.count('web.service.consul')), [1, 1], 'the second answer came from the cache');
      assert.equal(p.server.metricsSnapshot().forward.merged, 1, 'a cache hit merges nothing');
    }));

  it('gives an EDNS client an OPT record and a plain client none', () =>
    withConsul([agent(['10.0.0.1'], {}), agent(['10.0.0.2'], {})], async (p) => {
      const e = await p.query('web.service.consul', { edns: 1232 });
      assert.ok(optOf(e.packet), 'OPT for the EDNS client');
      assert.deepEqual(sorted(e), ['10.0.0.1', '10.0.0.2']);
      const plain = await p.query('web.service.consul');
      assert.equal(optOf(plain.packet), undefined);
    }, 'cache-size=0'));

  it('truncates a merged answer too large for a 512-byte UDP client, and gives all of it over TCP', () => {
    const many = (base: number): Script => (q) => ({ answers: Array.from({ length: 20 }, (_, i) => rr.a(q.name, `10.${base}.0.${i + 1}`, 30)) });
    return withConsul([many(1), many(2), many(3)], async (p) => {
      const udp = await p.query('big.service.consul');
      assert.ok(udp.tc, 'TC over UDP');
      const tcp = await p.query('big.service.consul', { tcp: true });
      assert.equal(answerData(tcp.packet).length, 60);
    });
  });

  it('leaves the default servers on the fastest policy', () =>
    withConsul([agent(['10.0.0.1'], {}), agent(['10.0.0.2'], {})], async (p, _consul, def) => {
      const r = await p.query('www.example.test');
      assert.deepEqual(answerData(r.packet), ['192.0.2.80']);
      assert.equal(def.count('www.example.test'), 1);
      assert.equal(p.server.metricsSnapshot().forward.merged, 0);
    }));

  it('shows the policy and the merged servers in /explain', () =>
    withConsul([agent(['10.0.0.1'], {}), agent(['10.0.0.2'], {})], async (p, consul) => {
      const e = await p.server.explain({ name: 'web.service.consul', qtype: 1, resolve: true });
      assert.equal((e['route'] as { policy: string }).policy, 'merge-answers');
      const upstream = (e['answer'] as { upstream: string }).upstream;
      assert.deepEqual(upstream.split('+').sort(), consul.map((u) => u.spec).sort());
    }));
});
