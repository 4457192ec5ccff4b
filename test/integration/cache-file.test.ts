/**
 * cache-file on the wire: a clean stop writes the cache, and the next start answers from it
 * without asking the upstream, with TTLs lower by the time it was down; entries whose route the
 * new configuration changed are not loaded; a missing file is an info line, a damaged one a
 * warning naming the file, both a cold start. Then the real process: SIGTERM writes the file
 * (never left half written under its name), the next process starts warm.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForLog } from '../helpers/cli-process.js';
import { query, type Reply } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy } from '../helpers/proxy.js';
import { sleep } from '../helpers/wait.js';

const ttlOf = (r: Reply) => (r.packet.answers?.[0] as { ttl?: number } | undefined)?.ttl ?? -1;

describe('cache-file', () => {
  let dir: string;
  let up: FakeUpstream;
  let other: FakeUpstream;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-cachefile-'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    other = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 300)] }));
  });
  after(async () => {
    await up.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const conf = (file: string, svc = up) => `server=${up.spec}\nserver=/svc.test/${svc.spec}\ncache-file=${file}\n`;

  it('a restart answers from the file, with TTLs lower by the time it was down, without asking the upstream', async () => {
    const file = join(dir, 'warm.cache');
    const first = memoryLog('info');
    const p1 = await startProxy(conf(file), first.log);
    assert.ok(first.lines().some((l) => l.msg === 'no cache-file yet: the cache starts empty' && l['file'] === file));
    await p1.query('warm.test');
    await p1.query('web.svc.test');
    await p1.stop();
    assert.ok(existsSync(file));
    assert.ok(first.lines().some((l) => l.msg === 'cache written to cache-file' && l['entries'] === 2));
    await sleep(2100);
    const second = memoryLog('info');
    const p2 = await startProxy(conf(file), second.log);
    try {
      const loaded = second.lines().find((l) => l.msg === 'cache loaded from cache-file');
      assert.equal(loaded?.['loaded'], 2);
      const r = await p2.query('warm.test');
      assert.equal(up.count('warm.test'), 1, 'from the cache');
      const ttl = ttlOf(r);
      assert.ok(ttl <= 298 && ttl >= 290, `TTL ${ttl}: lowered by the ~2 s down`);
    } finally {
      await p2.stop();
    }
  });

  it('loads only the entries the new configuration routes the same way', async () => {
    const file = join(dir, 'changed.cache');
    const p1 = await startProxy(conf(file));
    await p1.query('keep.test');
    await p1.query('moved.svc.test');
    await p1.stop();
    const log = memoryLog('info');
    const p2 = await startProxy(conf(file, other), log.log);
    try {
      const loaded = log.lines().find((l) => l.msg === 'cache loaded from cache-file');
      assert.deepEqual([loaded?.['loaded'], loaded?.['changed']], [1, 1]);
      await p2.query('keep.test');
      await p2.query('moved.svc.test');
      assert.equal(up.count('keep.test'), 1);
      assert.equal(other.count('moved.svc.test'), 1, 'asked of the new server');
    } finally {
      await p2.stop();
    }
  });

  it('keeps expired entries within their use-stale-cache window across a restart, and serves them stale when the upstream fails', async () => {
    let answering = true;
    const flaky = await FakeUpstream.start((q) => (answering ? { answers: [rr.a(q.name, '10.0.0.3', 1)] } : { drop: true }));
    const file = join(dir, 'stale.cache');
    const staleConf = (window: number) => `server=${flaky.spec}\nuse-stale-cache=${window}\nstale-client-timeout=100\ncache-file=${file}\n`;
    try {
      const first = memoryLog('info');
      const p1 = await startProxy(staleConf(60), first.log);
      await p1.query('old.test');
      await sleep(2100); // TTL 1: expired a second or more ago
      await p1.stop();
      assert.ok(first.lines().some((l) => l.msg === 'cache written to cache-file' && l['entries'] === 1 && l['expired'] === 0), 'kept for serve-stale');
      answering = false;
      const second = memoryLog('info');
      const p2 = await startProxy(staleConf(60), second.log);
      try {
        assert.equal(second.lines().find((l) => l.msg === 'cache loaded from cache-file')?.['loaded'], 1);
        const r = await p2.query('old.test');
        assert.equal(r.rcode, 'NOERROR');
        assert.equal(ttlOf(r), 30, 'a stale answer (RFC 8767 TTL)');
        assert.equal(flaky.count('old.test'), 2, 'the refresh was tried');
      } finally {
        await p2.stop();
      }
      // The window is the configuration's in force: one second has passed by now.
      const third = memoryLog('info');
      const p3 = await startProxy(staleConf(1), third.log);
      try {
        const loaded = third.lines().find((l) => l.msg === 'cache loaded from cache-file');
        assert.deepEqual([loaded?.['loaded'], loaded?.['expired']], [0, 1]);
        assert.equal((await p3.query('old.test')).rcode, 'SERVFAIL', 'nothing stale to serve');
      } finally {
        await p3.stop();
      }
    } finally {
      await flaky.close();
    }
  });

  it('a damaged, foreign or differently configured file is a warning naming it, and a cold start', async () => {
    const file = join(dir, 'damaged.cache');
    const p1 = await startProxy(conf(file));
    await p1.query('damaged.test');
    await p1.stop();
    const good = readFileSync(file);
    const cases: [string, Buffer | null, string][] = [
      ['corrupt', Buffer.from(good).fill(0x55, 40, 60), 'cache-file is damaged or of another version: the cache starts empty'],
      ['truncated', good.subarray(0, good.length - 7), 'cache-file is damaged or of another version: the cache starts empty'],
      ['foreign', Buffer.from('not a cache\n'), 'cache-file is damaged or of another version: the cache starts empty'],
      ['other config', null, 'cache-file was written under settings that shape every stored reply differently: the cache starts empty'],
    ];
    for (const [name, bytes, msg] of cases) {
      writeFileSync(file, bytes ?? good);
      const log = memoryLog('warn');
      const extra = bytes === null ? 'max-ttl=60\n' : '';
      const before = up.count('damaged.test');
      const p = await startProxy(conf(file) + extra, log.log);
      try {
        const w = log.lines().find((l) => l.msg === msg);
        assert.ok(w, `${name}: ${JSON.stringify(log.lines())}`);
        assert.equal(w['file'], file);
        assert.equal((await p.query('damaged.test')).rcode, 'NOERROR');
        assert.equal(up.count('damaged.test'), before + 1, `${name}: cold, asked upstream`);
      } finally {
        await p.stop();
      }
    }
  });

  it('SIGTERM writes the file (by rename: no temp file left) and the next process starts warm (CLI)', async () => {
    const file = join(dir, 'cli.cache');
    const path = join(dir, 'cli.conf');
    writeFileSync(path, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=${up.spec}`, `cache-file=${file}`, ''].join('\n'));
    const p1 = await startCli(['-C', path, '--port', '0', '--user=root']);
    await query(p1.port, 'cli.test');
    assert.deepEqual(await p1.stop('SIGTERM'), { code: 0, signal: null }, p1.stderr());
    assert.match(p1.stderr(), /cache written to cache-file/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('cli.cache')), ['cli.cache']);
    const p2 = await startCli(['-C', path, '--port', '0', '--user=root']);
    try {
      await waitForLog(p2, (r) => r['msg'] === 'cache loaded from cache-file' && r['loaded'] === 1);
      assert.equal((await query(p2.port, 'cli.test')).rcode, 'NOERROR');
      assert.equal(up.count('cli.test'), 1, 'answered from the loaded cache');
    } finally {
      assert.deepEqual(await p2.stop('SIGTERM'), { code: 0, signal: null }, p2.stderr());
    }
  });

  it('with workers=2 each worker writes and loads its own PATH.N (CLI)', async () => {
    const file = join(dir, 'w.cache');
    const path = join(dir, 'w.conf');
    writeFileSync(path, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=${up.spec}`, `cache-file=${file}`, 'workers=2', ''].join('\n'));
    const p1 = await startCli(['-C', path, '--port', '0', '--user=root']);
    await waitForLog(p1, (r) => r['msg'] === 'cluster started');
    for (let i = 0; i < 6; i++) await query(p1.port, `w${i}.test`, { tcp: true });
    assert.deepEqual(await p1.stop('SIGTERM'), { code: 0, signal: null }, p1.stderr());
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('w.cache')).sort(), ['w.cache.1', 'w.cache.2'], p1.stderr());
    const p2 = await startCli(['-C', path, '--port', '0', '--user=root']);
    try {
      const lines = await waitForLog(p2, (r) => r['msg'] === 'cache loaded from cache-file', 2);
      assert.deepEqual(lines.map((l) => l['file']).sort(), [`${file}.1`, `${file}.2`]);
      assert.equal(lines.reduce((n, l) => n + (l['loaded'] as number), 0), 6, 'every entry, in one worker or the other');
    } finally {
      assert.deepEqual(await p2.stop('SIGTERM'), { code: 0, signal: null }, p2.stderr());
    }
  });
});
