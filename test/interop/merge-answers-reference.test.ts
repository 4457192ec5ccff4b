/**
 * merge-answers with real peers: three dnsmasq 2.90 instances play Consul agents that each know
 * part of the service (their own SRV targets and A records, their own TTL); fandns has
 * `merge-answers=/service.consul/`. Asked with dig and kdig, fandns answers with exactly the union
 * of what the three answer when asked directly (records compared without TTL), each record once,
 * each RRset at the lowest TTL an agent gave it, and the SRV glue of every target; with one agent stopped,
 * the union of the other two. dnsmasq has no such option and rejects the domain forms.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { dig, kdig, withoutTtl, type DigResult } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { run, skipUnless } from '../helpers/tools.js';
import { TempTree } from '../helpers/config.js';

const SVC = '_web._tcp.service.consul';

/** One agent: its nodes (name → address) behind the SRV, and its TTL. */
function agent(nodes: Record<string, string>, ttl: number): string {
  return [
    ...Object.entries(nodes).flatMap(([n, ip]) => [
      `host-record=${n}.node.dc1.consul,${ip}`,
      `host-record=web.service.consul,${ip}`,
      `srv-host=${SVC},${n}.node.dc1.consul,8080`,
    ]),
    'local=/consul/',
    `local-ttl=${ttl}`,
  ].join('\n');
}

const AGENTS = [
  agent({ node1: '10.1.0.1', node2: '10.1.0.2' }, 30),
  agent({ node2: '10.1.0.2', node3: '10.1.0.3' }, 10),
  agent({ node4: '10.1.0.4' }, 20),
];

/** The records of `section` without TTL, sorted. */
const records = (r: DigResult, section: 'answer' | 'additional') => r[section].filter((x) => x.type !== 'OPT').map(withoutTtl).sort();
/** The union of several results' records, each once. */
const union = (rs: DigResult[], section: 'answer' | 'additional') => [...new Set(rs.flatMap((r) => records(r, section)))].sort();

describe('merge-answers with dnsmasq agents as upstreams', { skip: skipUnless('dig', 'kdig', 'dnsmasq') }, () => {
  let agents: RunningDnsmasq[];
  let proxy: TestProxy;
  before(async () => {
    agents = [];
    for (const conf of AGENTS) agents.push(await startDnsmasq(conf));
    proxy = await startProxy([
      ...agents.map((a) => `server=/service.consul/${a.spec}`),
      'merge-answers=/service.consul/',
      'upstream-timeout=400',
      'cache-size=0',
    ].join('\n'));
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all((agents ?? []).map((a) => a.stop()));
  });

  /** The agents' own answers, each asked directly. */
  const direct = (live: RunningDnsmasq[], args: string[]) => Promise.all(live.map((a) => dig(a.port, args)));

  for (const [client, ask] of [['dig', dig], ['kdig', kdig]] as const) {
    it(`answers SRV with the union of the agents' records and glue (${client})`, async () => {
      const args = [SVC, 'SRV'];
      const each = await direct(agents, args);
      const via = await ask(proxy.port, args);
      assert.equal(via.status, 'NOERROR', via.text);
      assert.deepEqual(records(via, 'answer'), union(each, 'answer'), via.text);
      assert.equal(via.answer.length, 4, 'node1..node4, node2 once');
      assert.deepEqual(records(via, 'additional'), union(each, 'additional'), via.text);
      const lowest = new Map<string, number>();
      for (const rec of each.flatMap((r) => [...r.answer, ...r.additional])) {
        const k = `${rec.name} ${rec.type}`;
        lowest.set(k, Math.min(lowest.get(k) ?? Infinity, rec.ttl));
      }
      for (const rec of [...via.answer, ...via.additional].filter((x) => x.type !== 'OPT')) {
        assert.equal(rec.ttl, lowest.get(`${rec.name} ${rec.type}`), `the lowest TTL an agent gave ${rec.name} ${rec.type}:\n${via.text}`);
      }
    });
  }

  it('answers A with the union of the agents\' addresses', async () => {
    const each = await direct(agents, ['web.service.consul', 'A']);
    const via = await dig(proxy.port, ['web.service.consul', 'A']);
    assert.deepEqual(records(via, 'answer'), union(each, 'answer'));
    assert.equal(via.answer.length, 4);
  });

  it('answers with the union of the others when an agent is stopped', async () => {
    await agents[2]!.stop();
    const each = await direct(agents.slice(0, 2), [SVC, 'SRV']);
    const via = await dig(proxy.port, [SVC, 'SRV']);
    assert.equal(via.status, 'NOERROR');
    assert.deepEqual(records(via, 'answer'), union(each, 'answer'));
    assert.equal(via.answer.length, 3);
  });
});

describe('dnsmasq 2.90 and the domain forms', { skip: skipUnless('dnsmasq') }, () => {
  it('rejects all-servers=/d/ and strict-order=/d/, and has no merge-answers (verified)', async () => {
    const tree = new TempTree();
    try {
      for (const [line, message] of [['all-servers=/service.consul/', /extraneous parameter/], ['strict-order=/corp/', /extraneous parameter/], ['merge-answers=/service.consul/', /bad option/]] as const) {
        const file = tree.write('d.conf', `no-resolv\n${line}\n`);
        const r = await run('dnsmasq', ['--test', `--conf-file=${file}`]);
        assert.notEqual(r.code, 0, line);
        assert.match(r.stderr + r.stdout, message);
      }
    } finally {
      tree.remove();
    }
  });
});
