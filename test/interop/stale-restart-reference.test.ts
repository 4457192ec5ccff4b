/**
 * use-stale-cache with cache-file, real peers: a real dnsmasq 2.90 serves a name with TTL 1 and
 * dig asks through fandns. The answer expires, fandns stops (SIGTERM writes its cache), the
 * upstream goes away, and the restarted fandns still answers the name, stale (TTL 30, RFC 8767),
 * from the file. A dnsmasq in front of the same upstream is the reference: it has serve-stale too,
 * but nothing survives its restart, so the same question gets no answer from it.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { dig } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { skipUnless } from '../helpers/tools.js';
import { sleep } from '../helpers/wait.js';

describe('a stale answer survives a restart while the upstream is gone, dnsmasq upstream and reference, dig client', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let dir: string;
  let upstream: RunningDnsmasq | undefined;
  let reference: RunningDnsmasq | undefined;
  let fandns: CliProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-stale-ref-'));
    chmodSync(dir, 0o755);
  });
  after(async () => {
    await fandns?.stop();
    await reference?.stop();
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fandns answers it stale from cache-file; a restarted dnsmasq has nothing to serve', async () => {
    upstream = await startDnsmasq('host-record=s.svc.test,192.0.2.5\nlocal-ttl=1');
    const conf = join(dir, 'fandns.conf');
    writeFileSync(conf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=${upstream.spec}`, 'use-stale-cache',
      'stale-client-timeout=200', 'upstream-timeout=300', `cache-file=${join(dir, 'cache')}`, ''].join('\n'));
    const ask = async (port: number) => dig(port, ['s.svc.test', 'A', '+tries=1', '+time=3', '+nocookie']);
    fandns = await startCli(['-C', conf, '--port', '0', '--user=root']);
    const fresh = await ask(fandns.port);
    assert.deepEqual([fresh.answer[0]?.data, fresh.answer[0]?.ttl], ['192.0.2.5', 1]);
    await sleep(2100); // expired a second or more ago
    const stop = waitForLog(fandns, (r) => r['msg'] === 'cache written to cache-file');
    assert.deepEqual(await fandns.stop('SIGTERM'), { code: 0, signal: null });
    const [written] = await stop;
    assert.deepEqual([written!['entries'], written!['expired']], [1, 0], 'the expired answer is kept for serve-stale');
    const upstreamSpec = upstream.spec;
    await upstream.stop();
    upstream = undefined;

    fandns = await startCli(['-C', conf, '--port', '0', '--user=root']);
    await waitForLog(fandns, (r) => r['msg'] === 'cache loaded from cache-file' && r['loaded'] === 1);
    const stale = await ask(fandns.port);
    assert.equal(stale.status, 'NOERROR');
    assert.deepEqual([stale.answer[0]?.data, stale.answer[0]?.ttl], ['192.0.2.5', 30], 'stale, with the RFC 8767 TTL');

    reference = await startDnsmasq(`server=${upstreamSpec}\nuse-stale-cache`);
    // dnsmasq waits on the dead server and may send nothing at all: dig then times out.
    const cold = await ask(reference.port).catch((err: Error) => err);
    assert.ok(cold instanceof Error ? /timed out/.test(cold.message) : cold.answer.length === 0, `dnsmasq, restarted, has nothing stale: ${cold instanceof Error ? cold.message : cold.status}`);
  });
});
