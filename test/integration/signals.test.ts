/**
 * Reload and shutdown of the real fandns process while queries are in flight:
 * - SIGHUP with a changed valid config (another server=, a new address=) applies to new queries,
 *   while a slow query already sent upstream still completes with its old answer;
 * - SIGHUP with a typo on line 3 is refused, logged with file:line, and the old config keeps
 *   answering;
 * - SIGTERM lets slow queries in flight (UDP and TCP) finish, their clients get the answers, and
 *   the process exits 0; a query that outlasts the drain does not change that exit code, and
 *   stop() gives up on such a query without an exception once the listening socket is closed.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../helpers/cli-process.js';
import { answerData, query } from '../helpers/dns-client.js';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * Run as root, fandns drops to nobody after binding, and nobody cannot re-read a config in a
 * root-only temp dir on SIGHUP: keep root (the option is ignored when not running as root).
 */
const RELOAD_AS = ['--user=root'];

describe('signals with queries in flight (CLI process)', () => {
  let dir: string;
  let slow: FakeUpstream;
  let fast: FakeUpstream;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-signals-'));
    slow = await FakeUpstream.start(answer('10.0.0.1', 800));
    fast = await FakeUpstream.start(answer('10.0.0.2'));
  });
  after(async () => {
    await slow.close();
    await fast.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `lines` as the config file `name` (with the loopback-only preamble) and returns its path. */
  const config = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', ...lines, ''].join('\n'));
    return path;
  };
  const ask = async (port: number, name: string) => answerData((await query(port, name, { timeoutMs: 5000 })).packet);

  it('SIGHUP applies a changed config to new queries; a slow query in flight completes with its old answer', async () => {
    const conf = config('reload.conf', [`server=${slow.spec}`]);
    const p = await startCli(['-C', conf, '--port', '0', ...RELOAD_AS]);
    try {
      const before = slow.queries.length;
      const inFlight = ask(p.port, 'inflight.reload.test');
      await waitFor(() => slow.queries.length > before, 'the slow query to reach the old server');
      config('reload.conf', [`server=${fast.spec}`, 'address=/new.reload.test/10.9.9.9']);
      process.kill(p.pid, 'SIGHUP');
      await waitFor(() => /configuration reloaded/.test(p.stderr()), 'the reload to be logged');
      assert.deepEqual(await ask(p.port, 'after.reload.test'), ['10.0.0.2'], 'the new server= applies');
      assert.deepEqual(await ask(p.port, 'www.new.reload.test'), ['10.9.9.9'], 'the new address= applies');
      assert.deepEqual(await inFlight, ['10.0.0.1'], 'the query in flight kept its old server and answer');
    } finally {
      assert.deepEqual(await p.stop(), { code: 0, signal: null }, p.stderr());
    }
  });

  it('SIGHUP with a typo on line 3 is refused with file:line, and the old config keeps answering', async () => {
    const conf = config('typo.conf', [`server=${fast.spec}`]);
    const p = await startCli(['-C', conf, '--port', '0', ...RELOAD_AS]);
    try {
      assert.deepEqual(await ask(p.port, 'one.typo.test'), ['10.0.0.2']);
      writeFileSync(conf, ['no-resolv', 'no-hosts', 'sevrer=127.0.0.1#53', `server=${slow.spec}`, ''].join('\n'));
      process.kill(p.pid, 'SIGHUP');
      await waitFor(() => /reload rejected/.test(p.stderr()), 'the refused reload to be logged');
      const line = p.stderr().split('\n').find((l) => /reload rejected/.test(l)) ?? '';
      assert.ok(line.includes(`${conf}:3`), `the log names the file and line: ${line}`);
      assert.deepEqual(await ask(p.port, 'two.typo.test'), ['10.0.0.2'], 'still the old server');
    } finally {
      assert.deepEqual(await p.stop(), { code: 0, signal: null }, p.stderr());
    }
  });

  it('SIGTERM lets slow UDP and TCP queries in flight finish, answers them, and exits 0', async () => {
    const conf = config('term.conf', [`server=${slow.spec}`]);
    const p = await startCli(['-C', conf, '--port', '0']);
    const before = slow.queries.length;
    const pending = [
      ...[0, 1, 2].map((i) => query(p.port, `udp${i}.term.test`, { timeoutMs: 5000 })),
      ...[0, 1].map((i) => query(p.port, `tcp${i}.term.test`, { tcp: true, timeoutMs: 5000 })),
    ];
    await waitFor(() => slow.queries.length === before + pending.length, 'every query to reach the slow server');
    const exit = p.stop('SIGTERM');
    const replies = await Promise.allSettled(pending);
    assert.deepEqual(replies.map((r) => (r.status === 'fulfilled' ? answerData(r.value.packet) : String(r.reason))), pending.map(() => ['10.0.0.1']));
    assert.deepEqual(await exit, { code: 0, signal: null }, p.stderr());
  });

  it('SIGTERM with a query that outlasts the 2 s drain still exits 0', async () => {
    const stuck = await FakeUpstream.start(() => ({ drop: true }));
    const conf = config('stuck.conf', [`server=${stuck.spec}`, 'upstream-timeout=10000', 'query-timeout=10000']);
    const p = await startCli(['-C', conf, '--port', '0']);
    try {
      const pending = query(p.port, 'stuck.term.test', { timeoutMs: 2500 }).catch(() => null);
      await waitFor(() => stuck.queries.length === 1, 'the query to reach the silent server');
      assert.deepEqual(await p.stop('SIGTERM'), { code: 0, signal: null }, p.stderr());
      await pending;
    } finally {
      await stuck.close();
    }
  });
});

describe('FandnsServer.stop() with a query still waiting past the drain', () => {
  it('gives up on it without throwing once its socket is closed', async () => {
    const stuck = await FakeUpstream.start(() => ({ drop: true }));
    const proxy = await startProxy(`server=${stuck.spec}\nupstream-timeout=10000\nquery-timeout=10000`);
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('unhandledRejection', onError);
    process.on('uncaughtException', onError);
    try {
      const pending = proxy.query('stuck.stop.test', { timeoutMs: 1000 }).catch(() => null);
      await waitFor(() => stuck.queries.length === 1, 'the query to reach the silent server');
      await proxy.server.stop(100);
      await pending;
      await sleep(50);
      assert.deepEqual(errors.map(String), []);
    } finally {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
      await stuck.close();
    }
  });
});
