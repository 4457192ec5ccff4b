/**
 * conf-script= with workers=2 through the real command: the primary runs the script once a load
 * and every worker loads its output. At start and on each SIGHUP the script runs once (not once
 * per process), every worker answers from the same run's output, a replacement worker takes the
 * output the others have, and after a SIGHUP whose script failed (every worker keeps its running
 * configuration) a replacement still starts, on the last good output.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { answerData, query } from '../helpers/dns-client.js';
import { logRecords, startCluster, stopCluster, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { waitGone } from '../helpers/proc.js';

const withMsg = (msg: string) => (r: Record<string, unknown>) => r['msg'] === msg;
const isRunQuery = (r: Record<string, unknown>) => r['msg'] === 'query' && r['qname'] === 'run.test';

describe('conf-script with workers=2 (CLI process)', () => {
  let dir: string;
  let up: FakeUpstream;
  let cli: CliProcess;
  let port: number;
  let workers: number[];
  let runsLog: string;
  let failFlag: string;

  /** The script's runs so far. */
  const runs = (): number => readFileSync(runsLog, 'utf8').split('\n').filter(Boolean).length;

  /** What `n` queries for run.test, each on its own TCP connection (round-robin over the workers), were answered, and by which workers. */
  async function answers(tag: string, n = 8): Promise<{ data: Set<string>; pids: Set<unknown> }> {
    const before = logRecords(cli).filter(isRunQuery).length;
    const replies = await Promise.all(Array.from({ length: n }, () => query(port, 'run.test', { tcp: true, timeoutMs: 8000 })));
    const records = (await waitForLog(cli, isRunQuery, before + n)).slice(before);
    assert.equal(records.length, n, tag);
    return { data: new Set(replies.flatMap((r) => answerData(r.packet))), pids: new Set(records.map((r) => r['pid'])) };
  }

  /** Kills the first worker by PID and waits for its replacement; returns the replacement's PID. */
  async function replaceWorker(): Promise<number> {
    const [victim, survivor] = workers as [number, number];
    const before = logRecords(cli).filter(withMsg('worker replaced')).length;
    process.kill(victim, 'SIGKILL');
    const [replaced] = (await waitForLog(cli, withMsg('worker replaced'), before + 1)).slice(before);
    const fresh = replaced!['workerPid'] as number;
    assert.ok(await waitGone(victim));
    workers = [survivor, fresh];
    return fresh;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-wscript-'));
    runsLog = join(dir, 'runs.log');
    failFlag = join(dir, 'fail');
    writeFileSync(runsLog, '');
    // Each run is numbered: its output answers run.test with 10.0.0.<run>, so answers tell the runs apart.
    const script = join(dir, 'count.sh');
    writeFileSync(script, [
      '#!/bin/sh',
      `if [ -e ${failFlag} ]; then echo "list server down" >&2; echo fail >> ${runsLog}; exit 3; fi`,
      `echo run >> ${runsLog}`,
      `n=$(wc -l < ${runsLog})`,
      'echo "address=/run.test/10.0.0.$n"',
      '',
    ].join('\n'));
    chmodSync(script, 0o755);
    const conf = join(dir, 'fandns.conf');
    writeFileSync(conf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', 'log-queries', `conf-script=${script}`, ''].join('\n'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.9.9.9', 300)] }));
    port = await freePort();
    ({ cli, workers } = await startCluster(['-C', conf, '--workers=2', `--port=${port}`, `--server=${up.spec}`, '--user=root'], 15_000, port));
  });
  after(async () => {
    await stopCluster(cli, workers);
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the script once at start, and both workers answer from its output', async () => {
    assert.equal(runs(), 1, 'the primary ran it; the workers took its output');
    const { data, pids } = await answers('start');
    assert.deepEqual([...data], ['10.0.0.1']);
    assert.deepEqual([...pids].sort(), [...workers].sort(), 'both workers answered');
  });

  it('runs it once on SIGHUP, and both workers reload with that run\'s output', async () => {
    const before = logRecords(cli).filter(withMsg('configuration reloaded')).length;
    process.kill(cli.pid, 'SIGHUP');
    const reloaded = (await waitForLog(cli, withMsg('configuration reloaded'), before + 2)).slice(before);
    assert.deepEqual(reloaded.map((r) => r['pid']).sort(), [...workers].sort());
    assert.equal(runs(), 2);
    const { data, pids } = await answers('sighup');
    assert.deepEqual([...data], ['10.0.0.2']);
    assert.equal(pids.size, 2);
  });

  it('starts a replacement worker on the output the others have', async () => {
    const fresh = await replaceWorker();
    assert.equal(runs(), 2, 'the replacement did not run the script');
    const { data, pids } = await answers('replaced');
    assert.deepEqual([...data], ['10.0.0.2']);
    assert.ok(pids.has(fresh), 'the replacement answered');
  });

  it('keeps the running configuration when the script fails on SIGHUP, and a replacement starts on the last good output', async () => {
    writeFileSync(failFlag, '');
    const before = logRecords(cli).filter(withMsg('reload rejected; keeping the running configuration')).length;
    process.kill(cli.pid, 'SIGHUP');
    const refused = (await waitForLog(cli, withMsg('reload rejected; keeping the running configuration'), before + 2)).slice(before);
    assert.deepEqual(refused.map((r) => r['pid']).sort(), [...workers].sort());
    for (const r of refused) assert.match(String(r['err']), /fandns\.conf:5: conf-script ".*count\.sh" exited with code 3: list server down/);
    assert.equal(runs(), 3, 'the failing run happened once');

    const fresh = await replaceWorker();
    assert.equal(runs(), 3, 'the replacement took the last good output');
    const { data, pids } = await answers('after failure');
    assert.deepEqual([...data], ['10.0.0.2']);
    assert.ok(pids.has(fresh));
  });

  it('ends with exit 0 on SIGTERM', async () => {
    assert.deepEqual(await cli.stop('SIGTERM', 10_000), { code: 0, signal: null });
  });
});
