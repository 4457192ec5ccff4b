/**
 * workers=2 through the real command: a few hundred queries over UDP and TCP all answered, by
 * both workers; query-log lines of both workers on one stderr, whole; /metrics summing both
 * workers, /health and /ready from the primary; SIGUSR1 and SIGHUP passed to every worker; a
 * worker killed by PID replaced while answers continue; SIGTERM ending everything with exit 0;
 * started as root, every process running as nobody; a worker that cannot bind ends start-up
 * with exit 2.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { closeSync, constants as fsc, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { buildQuery, query, udpBurst } from '../helpers/dns-client.js';
import { logRecords, runCli, startCli, startCluster, stopCluster, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { isAlive, processIds, skipUnlessRoot, waitGone } from '../helpers/proc.js';
import { promSample } from '../helpers/prom-text.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isQuery = (r: Record<string, unknown>) => r['msg'] === 'query';
const withMsg = (msg: string) => (r: Record<string, unknown>) => r['msg'] === msg;

/**
 * Sends `n` A queries named `prefix-i.test` over UDP, in bursts of 50 (bigger bursts from two
 * workers at once overflow the fake upstream's receive buffer); returns how many got an answer.
 */
async function udpAnswered(port: number, prefix: string, n: number): Promise<number> {
  let answered = 0;
  for (let start = 0; start < n; start += 50) {
    const ids = Array.from({ length: Math.min(50, n - start) }, (_, i) => start + i);
    const replies = await udpBurst(ids.map((i) => buildQuery(`${prefix}-${i}.test`, { id: i })), port, 8000);
    answered += [...replies.values()].filter((m) => (m[3]! & 0x0f) === 0 && m.readUInt16BE(6) === 1).length;
  }
  return answered;
}

/**
 * Sends `n` queries over TCP, each on its own connection (so cluster round-robin spreads them);
 * each may take 8 s, room for fandns to retry an upstream exchange lost on a busy machine.
 */
async function tcpAnswered(port: number, prefix: string, n: number): Promise<number> {
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => query(port, `${prefix}-${i}.test`, { tcp: true, timeoutMs: 8000 })));
  return replies.filter((r) => r.rcode === 'NOERROR' && r.packet.answers?.length === 1).length;
}

/** The value of one sample line of Prometheus text. */
const sample = promSample;

describe('workers=2 (CLI process)', () => {
  let up: FakeUpstream;
  let cli: CliProcess;
  let port: number;
  let metrics: string;
  let workers: number[];
  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    port = await freePort();
    metrics = `127.0.0.1:${await freePort()}`;
    ({ cli, workers } = await startCluster(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts',
      `--server=${up.spec}`, `--metrics-address=${metrics}`, '--log-queries']));
  });
  after(async () => {
    await stopCluster(cli, workers);
    await up?.close();
  });

  it('starts two workers besides the primary', () => {
    assert.equal(workers.length, 2);
    assert.ok(!workers.includes(cli.pid));
    assert.ok(workers.every(isAlive));
  });

  it('answers a few hundred queries over UDP and TCP, in both workers, with whole log lines', async () => {
    assert.equal(await udpAnswered(port, 'udp', 300), 300);
    assert.equal(await tcpAnswered(port, 'tcp', 20), 20);
    const records = await waitForLog(cli, isQuery, 320);
    assert.equal(records.length, 320, 'one query-log record per query, every stderr line valid JSON');
    const tcpPids = new Set(records.filter((r) => r['proto'] === 'tcp').map((r) => r['pid']));
    assert.deepEqual([...tcpPids].sort(), [...workers].sort(), 'TCP connections go round-robin to both workers');
  });

  it('serves metrics summed over both workers, and /health and /ready, from the primary', async () => {
    const text = await (await fetch(`http://${metrics}/metrics`)).text();
    assert.equal(sample(text, 'fandns_requests_total{type="A",proto="udp"}'), 300);
    assert.equal(sample(text, 'fandns_requests_total{type="A",proto="tcp"}'), 20);
    assert.equal(sample(text, `fandns_upstream_queries_total{upstream="${up.spec}"}`), up.queries.length);
    assert.equal(sample(text, 'fandns_workers'), 2);
    const health = await fetch(`http://${metrics}/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; workers: { pid: number }[]; upstreams: { server: string; up: boolean }[] };
    assert.equal(body.status, 'ok');
    assert.deepEqual(body.workers.map((w) => w.pid).sort(), [...workers].sort());
    assert.deepEqual(body.upstreams.map((u) => [u.server, u.up]), [[up.spec, true]]);
    assert.equal((await fetch(`http://${metrics}/ready`)).status, 200);
  });

  it('explains a question through one worker, and answers 400 to a bad one from the primary', async () => {
    const res = await fetch(`http://${metrics}/explain?name=explained.test`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { worker: number; route: { kind: string }; answer: { source: string; upstream: string } };
    assert.ok(workers.includes(body.worker));
    assert.deepEqual([body.route.kind, body.answer.source, body.answer.upstream], ['forward', 'upstream', up.spec]);
    assert.equal((await fetch(`http://${metrics}/explain?type=A`)).status, 400);
  });

  it('passes SIGUSR1 and SIGHUP to every worker', async () => {
    process.kill(cli.pid, 'SIGUSR1');
    const stats = await waitForLog(cli, withMsg('statistics'), 2);
    assert.deepEqual(stats.map((r) => r['pid']).sort(), [...workers].sort());
    process.kill(cli.pid, 'SIGHUP');
    const reloaded = await waitForLog(cli, withMsg('configuration reloaded'), 2);
    assert.deepEqual(reloaded.map((r) => r['pid']).sort(), [...workers].sort());
    assert.equal(await udpAnswered(port, 'reloaded', 50), 50);
  });

  it('replaces a worker killed by PID, and answers continue meanwhile', async () => {
    const [victim, survivor] = workers as [number, number];
    process.kill(victim, 'SIGKILL');
    await waitForLog(cli, (r) => r['msg'] === 'worker exited; starting another' && r['workerPid'] === victim);
    assert.equal(await udpAnswered(port, 'during', 100), 100, 'the other worker reads the shared socket');
    const [replaced] = await waitForLog(cli, withMsg('worker replaced'));
    const fresh = replaced!['workerPid'] as number;
    assert.ok(fresh !== victim && fresh !== survivor && isAlive(fresh));
    assert.ok(await waitGone(victim));
    workers = [survivor, fresh];
    const before = logRecords(cli).filter(isQuery).length;
    assert.equal(await udpAnswered(port, 'after', 100), 100);
    assert.equal(await tcpAnswered(port, 'after-tcp', 10), 10);
    const records = (await waitForLog(cli, isQuery, before + 110)).slice(before);
    assert.ok(records.some((r) => r['pid'] === fresh && r['proto'] === 'tcp'), 'the new worker takes TCP connections');
  });

  it('runs every process as nobody when started as root', { skip: skipUnlessRoot() }, () => {
    for (const pid of [cli.pid, ...workers]) {
      const ids = processIds(pid);
      assert.deepEqual(ids.uid, [65534, 65534, 65534, 65534], `uid of ${pid}`);
      assert.deepEqual(ids.gid, [65534, 65534, 65534, 65534], `gid of ${pid}`);
      assert.deepEqual(ids.groups, [], `supplementary groups of ${pid}`);
    }
  });

  it('ends the primary and every worker with exit 0 on SIGTERM', async () => {
    assert.deepEqual(await cli.stop('SIGTERM', 10_000), { code: 0, signal: null });
    for (const pid of workers) assert.ok(await waitGone(pid), `worker ${pid} still running`);
    assert.equal(logRecords(cli).filter(withMsg('exiting')).length, 3, 'the primary and both workers stopped in order');
  });
});

describe('workers=2 logging into a pipe that fills up', () => {
  it('keeps every line of both workers whole', { skip: !existsSync('/usr/bin/mkfifo') && 'mkfifo not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-wfifo-'));
    const fifo = join(dir, 'queries.log');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, fsc.O_RDONLY | fsc.O_NONBLOCK); // not read until the pipe is full
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    const port = await freePort();
    const cli = await startCli(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts',
      `--server=${up.spec}`, '--log-queries=extra', `--log-facility=${fifo}`], 15_000, port);
    let text = '';
    const drain = () => {
      const buf = Buffer.alloc(65536);
      for (;;) {
        let n: number;
        try {
          n = readSync(reader, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return;
          throw err;
        }
        if (n === 0) return;
        text += buf.toString('utf8', 0, n);
      }
    };
    try {
      // Far more than the pipe's 64 KiB, from both workers (TCP connections go round-robin).
      for (let round = 0; round < 8; round++) assert.equal(await tcpAnswered(port, `fill${round}`, 50), 50);
      const until = Date.now() + 10_000;
      while ((text.match(/"qname":"fill/g) ?? []).length < 400 && Date.now() < until) {
        drain();
        await sleep(20);
      }
      assert.deepEqual(await cli.stop('SIGTERM', 10_000), { code: 0, signal: null });
      drain();
      const lines = text.split('\n').filter((l) => l !== '');
      const bad = lines.filter((l) => {
        try {
          JSON.parse(l);
          return false;
        } catch {
          return true;
        }
      });
      assert.deepEqual(bad, [], 'every line is whole JSON');
      const fills = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['msg'] === 'query' && String(r['qname']).startsWith('fill'));
      assert.equal(fills.length, 400);
      assert.equal(new Set(fills.map((r) => r['pid'])).size, 2, 'both workers wrote');
    } finally {
      await cli.stop('SIGKILL');
      await up.close();
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('workers=2 start-up failure', () => {
  it('a port already in use ends start-up with exit 2, leaving no worker behind', async () => {
    const busy = await FakeUpstream.start(() => ({ drop: true }));
    try {
      const r = await runCli(['--workers=2', '-R', '-a', '127.0.0.1', '-p', String(busy.port), '--server=127.0.0.1#9']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /failed to create listening socket/);
      const pids = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { pid: number }).pid);
      for (const pid of new Set(pids)) assert.ok(await waitGone(pid), `process ${pid} still running`);
    } finally {
      await busy.close();
    }
  });
});
