/**
 * reload-keeps-cache on the wire: an answer stays a cache hit across a reload that does not touch
 * its route, keeps counting its TTL down, and is fetched again (from the new server) when its
 * rule's server changed; a setting that shapes every stored reply empties the cache; a changed
 * cache-size keeps the entries in the new store; without the option a reload empties the cache,
 * as dnsmasq's SIGHUP does. Then the real process: SIGHUP with a rewritten config file, and the
 * info line with the counts.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { startCli, waitForLog } from '../helpers/cli-process.js';
import { answerData, query } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { memoryLog } from '../helpers/memory-log.js';
import { FandnsServer } from '../../src/server.js';

describe('reload-keeps-cache', () => {
  let plain: FakeUpstream;
  let svcOld: FakeUpstream;
  let svcNew: FakeUpstream;
  let n = 0;
  before(async () => {
    plain = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    svcOld = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.1.1', 300)] }));
    svcNew = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.2.2', 300)] }));
  });
  after(async () => {
    await plain.close();
    await svcOld.close();
    await svcNew.close();
  });

  /** A config routing svc.test to `svc`, everything else to `plain`, with `extra` lines. */
  const conf = (svc: FakeUpstream, extra = 'reload-keeps-cache') => `server=${plain.spec}\nserver=/svc.test/${svc.spec}\ncache-size=1000\n${extra}\n`;
  /** Fresh names for one test, so the upstreams' counts start at zero. */
  const names = () => {
    n++;
    return { www: `www${n}.example.test`, web: `web${n}.svc.test` };
  };
  const ttl = async (p: TestProxy, name: string) => ((await p.query(name)).packet.answers?.[0] as { ttl?: number } | undefined)?.ttl ?? -1;

  it('keeps an answer whose route did not change (TTL still counting down), re-fetches one whose server changed', async () => {
    const p = await startProxy(conf(svcOld));
    const { www, web } = names();
    try {
      await p.query(www);
      assert.deepEqual(answerData((await p.query(web)).packet), ['10.0.1.1']);
      await sleep(1100);
      p.server.reload(parseConfigText(TEST_PREAMBLE + conf(svcNew)));
      const left = await ttl(p, www);
      assert.ok(left < 300 && left >= 298, `TTL ${left}: kept as it was, not refreshed`);
      assert.equal(plain.count(www), 1, 'still a cache hit');
      assert.deepEqual(answerData((await p.query(web)).packet), ['10.0.2.2'], 'asked the new server');
      assert.equal(svcOld.count(web), 1);
      assert.equal(svcNew.count(web), 1);
    } finally {
      await p.stop();
    }
  });

  it('empties the cache when a setting that shapes every stored reply changed', async () => {
    const p = await startProxy(conf(svcOld));
    const { www } = names();
    try {
      await p.query(www);
      p.server.reload(parseConfigText(TEST_PREAMBLE + conf(svcOld, 'reload-keeps-cache\nbogus-nxdomain=192.0.2.1')));
      await p.query(www);
      assert.equal(plain.count(www), 2);
    } finally {
      await p.stop();
    }
  });

  it('keeps the entries through a cache-size change (copied into the new store)', async () => {
    const p = await startProxy(conf(svcOld));
    const { www, web } = names();
    try {
      await p.query(www);
      await p.query(web);
      const before = p.server.runtime.store;
      p.server.reload(parseConfigText(TEST_PREAMBLE + conf(svcOld).replace('cache-size=1000', 'cache-size=2000')));
      assert.notEqual(p.server.runtime.store, before, 'a new store');
      await p.query(www);
      await p.query(web);
      assert.equal(plain.count(www), 1);
      assert.equal(svcOld.count(web), 1);
    } finally {
      await p.stop();
    }
  });

  it('without the option, a reload empties the cache (dnsmasq\'s SIGHUP)', async () => {
    const p = await startProxy(conf(svcOld, ''));
    const { www } = names();
    try {
      await p.query(www);
      p.server.reload(parseConfigText(TEST_PREAMBLE + conf(svcOld, '')));
      await p.query(www);
      assert.equal(plain.count(www), 2);
    } finally {
      await p.stop();
    }
  });

  it('the option set by the reload itself applies to that reload; answers still in flight are not stored', async () => {
    const slowUp = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.3.3', 300)], delayMs: 300 }));
    const p = await startProxy(`server=${slowUp.spec}\n`);
    try {
      await p.query('first.slow.test', { timeoutMs: 3000 });
      const inFlight = p.query('late.slow.test', { timeoutMs: 3000 });
      await sleep(100);
      p.server.reload(parseConfigText(`${TEST_PREAMBLE}server=${slowUp.spec}\nreload-keeps-cache\n`));
      assert.equal((await inFlight).rcode, 'NOERROR');
      await p.query('first.slow.test', { timeoutMs: 3000 });
      await p.query('late.slow.test', { timeoutMs: 3000 });
      assert.equal(slowUp.count('first.slow.test'), 1, 'kept');
      assert.equal(slowUp.count('late.slow.test'), 2, 'asked under the old configuration, answered after the reload: not stored');
    } finally {
      await p.stop();
      await slowUp.close();
    }
  });
});

describe('reload-keeps-cache and a resolv-file change', () => {
  it('keeps the entries the changed default servers do not route, clear-on-reload or not', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.8', 300)] }));
    const dir = mkdtempSync(join(tmpdir(), 'fandns-keep-resolv-'));
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 127.0.0.79\n');
    const mem = memoryLog('info');
    const server = new FandnsServer(parseConfigText(
      `port=0\nlisten-address=127.0.0.1\nno-hosts\nresolv-file=${file}\nserver=/svc.test/${up.spec}\nreload-keeps-cache\nclear-on-reload\n`, 'test.conf'), mem.log);
    await server.start();
    try {
      const port = server.endpoints[0]!.port;
      assert.equal((await query(port, 'www.svc.test')).rcode, 'NOERROR');
      // The poll's first look at the file is asynchronous: a write that comes before it is taken for
      // the file as it was, and no change is ever seen. So the change is written again (a comment
      // line that grows) until it has been applied.
      const applied = () => mem.lines().some((l) => l.msg === 'reload: cache entries kept and dropped');
      for (let i = 0; i < 10 && !applied(); i++) {
        writeFileSync(file, `nameserver 127.0.0.80\n#${'.'.repeat(i)}\n`);
        await waitFor(applied, 'the resolv-file change to be applied', 1500).catch(() => {});
      }
      await waitFor(applied, 'the resolv-file change to be applied', 1500);
      const line = mem.lines().find((l) => l.msg === 'reload: cache entries kept and dropped')!;
      assert.deepEqual([line['kept'], line['dropped']], [1, 0]);
      assert.equal((await query(port, 'www.svc.test')).rcode, 'NOERROR');
      assert.equal(up.count('www.svc.test'), 1, 'still a cache hit');
    } finally {
      await server.stop();
      await up.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reload-keeps-cache with SIGHUP (CLI process)', () => {
  let dir: string;
  let a: FakeUpstream;
  let b: FakeUpstream;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-keepcache-'));
    a = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    b = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 300)] }));
  });
  after(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what the new file routes the same way, drops the rest, and logs the counts', async () => {
    const path = join(dir, 'fandns.conf');
    const write = (svc: FakeUpstream) =>
      writeFileSync(path, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', 'reload-keeps-cache', `server=${a.spec}`, `server=/svc.test/${svc.spec}`, ''].join('\n'));
    write(a);
    const p = await startCli(['-C', path, '--port', '0', '--user=root']);
    try {
      for (const name of ['one.test', 'two.test', 'x.svc.test']) await query(p.port, name);
      write(b);
      process.kill(p.pid, 'SIGHUP');
      const [line] = await waitForLog(p, (r) => r['msg'] === 'reload: cache entries kept and dropped');
      assert.equal(line!['kept'], 2);
      assert.equal(line!['dropped'], 1);
      for (const name of ['one.test', 'two.test', 'x.svc.test']) await query(p.port, name);
      assert.equal(a.count('one.test') + a.count('two.test'), 2, 'kept: cache hits');
      assert.equal(b.count('x.svc.test'), 1, 'dropped: asked again, of the new server');
    } finally {
      assert.deepEqual(await p.stop(), { code: 0, signal: null }, p.stderr());
    }
  });
});
