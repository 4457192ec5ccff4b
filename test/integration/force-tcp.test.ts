/**
 * force-tcp on the wire: a fake Consul agent that, like Consul with enable_truncate off, trims
 * its UDP answers to 3 SRV records without setting TC and gives all 6 over TCP. With
 * `force-tcp=/service.consul/` the client gets all 6 (fandns asked over TCP), under the default
 * policy and under merge-answers; names outside the domain still go over UDP; without the option
 * the client gets the trimmed 3 (dnsmasq passes the same on). The client asks over
 * TCP itself, so its own 512-byte UDP limit does not trim the answer again.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr, type Script } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';

/** SRV answers of `n` nodes, with their A glue. */
const srv = (name: string, n: number) => ({
  answers: Array.from({ length: n }, (_, i) => rr.srv(name, `node${i}.node.dc1.consul`, 8000 + i, 0)),
  additionals: Array.from({ length: n }, (_, i) => rr.a(`node${i}.node.dc1.consul`, `10.0.1.${i + 1}`, 0)),
});
/** A Consul agent without enable_truncate: 3 records over UDP, no TC; all 6 over TCP. */
const trimmingAgent: Script = (q) => srv(q.name, q.proto === 'udp' ? 3 : 6);

const SVC = '_web._tcp.service.consul';

async function withAgent(extra: string[], body: (ask: () => Promise<number>, agent: FakeUpstream, def: FakeUpstream, p: Awaited<ReturnType<typeof startProxy>>) => Promise<void>): Promise<void> {
  const agent = await FakeUpstream.start(trimmingAgent);
  const def = await FakeUpstream.start(answer('192.0.2.80'));
  const p = await startProxy([`server=${def.spec}`, `server=/service.consul/${agent.spec}`, ...extra].join('\n'));
  try {
    const ask = async () => ((await p.query(SVC, { type: 'SRV', tcp: true })).packet.answers ?? []).filter((a) => a.type === 'SRV').length;
    await body(ask, agent, def, p);
  } finally {
    await p.stop();
    await agent.close();
    await def.close();
  }
}

describe('force-tcp', () => {
  it('without it: the trimmed UDP answer is what the client gets', () =>
    withAgent([], async (ask, agent) => {
      assert.equal(await ask(), 3);
      assert.deepEqual(agent.queries.map((q) => q.proto), ['udp']);
    }));

  it('=/service.consul/: the agent is asked over TCP and the client gets every record; other names stay on UDP', () =>
    withAgent(['force-tcp=/service.consul/'], async (ask, agent, def, p) => {
      assert.equal(await ask(), 6);
      assert.deepEqual(agent.queries.map((q) => q.proto), ['tcp']);
      assert.equal((await p.query('www.example.com')).rcode, 'NOERROR');
      assert.deepEqual(def.queries.map((q) => q.proto), ['udp']);
      assert.equal(await ask(), 6, 'the whole answer is cached');
      const explained = async (name: string) => (await p.server.explain({ name, qtype: 1, resolve: false }))['route'] as Record<string, unknown>;
      assert.deepEqual([(await explained('web.service.consul'))['transport'], (await explained('www.example.com'))['transport']], ['tcp', 'udp'], '/explain says which');
    }));

  it('applies under merge-answers too, and bare force-tcp to every server', async () => {
    await withAgent(['force-tcp=/service.consul/', 'merge-answers=/service.consul/'], async (ask, agent) => {
      assert.equal(await ask(), 6);
      assert.deepEqual(agent.queries.map((q) => q.proto), ['tcp']);
    });
    await withAgent(['force-tcp'], async (ask, agent, def, p) => {
      assert.equal(await ask(), 6);
      assert.equal((await p.query('www.example.com')).rcode, 'NOERROR');
      assert.deepEqual([...agent.queries, ...def.queries].map((q) => q.proto), ['tcp', 'tcp']);
    });
  });
});
