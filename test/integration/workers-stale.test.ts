/**
 * workers=2 with use-stale-cache, during an upstream outage: a name cached by one worker only is
 * served stale by the other worker too, which has never asked for it (it asks the other worker's
 * cache through the primary, then keeps the entry). TCP connections go round-robin to the workers,
 * so consecutive connections land on both; the query log's pid says which worker answered.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logRecords, startCluster, stopCluster, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { answerData, query } from '../helpers/dns-client.js';
import { FakeUpstream, freePort, rr, type Script } from '../helpers/fake-upstream.js';
import { sleep } from '../helpers/wait.js';

describe('workers=2: use-stale-cache serves a name another worker cached (CLI process)', () => {
  let dir: string;
  let up: FakeUpstream;
  let cli: CliProcess;
  let workers: number[] = [];
  /** The upstream's behaviour: answering (TTL 1) or silent. */
  let alive = true;
  const script: Script = (q) => (alive ? { answers: [rr.a(q.name, '10.0.0.5', 1)] } : { drop: true });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-workers-stale-'));
    up = await FakeUpstream.start((q) => script(q));
    const conf = join(dir, 'fandns.conf');
    writeFileSync(conf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=${up.spec}`, 'use-stale-cache',
      'stale-client-timeout=300', 'upstream-timeout=500', 'query-timeout=3000', 'log-queries', ''].join('\n'));
    ({ cli, workers } = await startCluster(['-C', conf, `--port=${await freePort()}`, '--workers=2']));
  });
  after(async () => {
    await stopCluster(cli, workers, 'SIGTERM');
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Asks `name` over a new TCP connection; the answer's addresses and TTLs, and the pid whose log line it got. */
  const ask = async (name: string) => {
    const before = logRecords(cli).filter((r) => r['msg'] === 'query').length;
    const r = await query(cli.port, name, { tcp: true, timeoutMs: 5000 });
    const [line] = (await waitForLog(cli, (l) => l['msg'] === 'query', before + 1)).slice(before);
    return { rcode: r.rcode, data: answerData(r.packet), ttls: (r.packet.answers ?? []).map((a) => (a as { ttl?: number }).ttl), pid: line!['pid'], source: line!['source'] };
  };

  it('answers from the other worker\'s entry while the upstream is silent, and keeps it', async () => {
    const cached = await ask('shared.stale.test');
    assert.deepEqual([cached.rcode, cached.data, cached.source], ['NOERROR', ['10.0.0.5'], 'upstream']);
    alive = false;
    await sleep(2200); // the TTL of 1 s has passed (the clock is coarse)
    const seen = new Map<unknown, { source: unknown; data: string[]; rcode: string; ttls: (number | undefined)[] }>();
    for (let i = 0; i < 4 && seen.size < 2; i++) {
      const r = await ask('shared.stale.test');
      seen.set(r.pid, r);
    }
    assert.deepEqual([...seen.keys()].sort(), [...workers].sort(), 'both workers answered');
    for (const [pid, r] of seen) {
      assert.deepEqual([r.rcode, r.data, r.source, r.ttls], ['NOERROR', ['10.0.0.5'], 'stale', [30]], `worker ${String(pid)} served it stale`);
    }
  });
});
