/**
 * reload-keeps-cache and cache-file with real peers: a real dnsmasq 2.90 is the upstream (it
 * serves the names itself, TTL 300, and logs every query it gets), dig is the client, and a second
 * dnsmasq 2.90 in front of the same upstream is the reference for what a SIGHUP does without the
 * option: it forgets its cache and asks again (README "Differences from dnsmasq"). The fandns
 * process in front keeps the answer across SIGHUP (dig sees the TTL still counting down, the
 * upstream is not asked again), and after SIGTERM and a restart answers from cache-file, TTL lower.
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
import { sleep, waitFor } from '../helpers/wait.js';

describe('warm cache across SIGHUP and restart, dnsmasq upstream and reference, dig client', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let dir: string;
  let upstream: RunningDnsmasq;
  let reference: RunningDnsmasq | undefined;
  let fandns: CliProcess | undefined;
  let conf: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-keep-ref-'));
    chmodSync(dir, 0o755);
    upstream = await startDnsmasq('host-record=f.svc.test,192.0.2.1\nhost-record=d.svc.test,192.0.2.2\nlocal-ttl=300', { logQueries: true });
    reference = await startDnsmasq(`server=${upstream.spec}`);
    conf = join(dir, 'fandns.conf');
    writeFileSync(conf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=${upstream.spec}`, 'reload-keeps-cache', `cache-file=${join(dir, 'cache')}`, ''].join('\n'));
  });
  after(async () => {
    await fandns?.stop();
    await reference?.stop();
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** How many times the upstream dnsmasq was asked for `name`. */
  const asked = (name: string) => upstream.log().split('\n').filter((l) => l.includes(`query[A] ${name} from`)).length;
  const ask = async (port: number, name: string) => (await dig(port, [name, 'A', '+tries=1', '+time=3', '+nocookie'])).answer[0];

  it('dnsmasq forgets across SIGHUP; fandns with reload-keeps-cache keeps the answer, TTL counting on', async () => {
    fandns = await startCli(['-C', conf, '--port', '0', '--user=root']);
    assert.equal((await ask(reference!.port, 'd.svc.test'))?.data, '192.0.2.2');
    assert.equal((await ask(fandns.port, 'f.svc.test'))?.data, '192.0.2.1');
    await sleep(1100);
    const cleared = () => reference!.log().split('cleared cache').length - 1;
    const clearedBefore = cleared();
    process.kill(reference!.pid, 'SIGHUP');
    process.kill(fandns.pid, 'SIGHUP');
    await waitForLog(fandns, (r) => r['msg'] === 'reload: cache entries kept and dropped');
    await waitFor(() => cleared() > clearedBefore, 'dnsmasq to clear its cache');
    const d = await ask(reference!.port, 'd.svc.test');
    const f = await ask(fandns.port, 'f.svc.test');
    assert.equal(asked('d.svc.test'), 2, 'dnsmasq asked again after SIGHUP');
    assert.equal(d?.ttl, 300);
    assert.equal(asked('f.svc.test'), 1, 'fandns answered from its cache');
    assert.ok(f !== undefined && f.ttl < 300 && f.ttl >= 297, `fandns TTL ${f?.ttl}`);
  });

  it('after SIGTERM and a restart, fandns answers from cache-file with a lower TTL', async () => {
    assert.deepEqual(await fandns!.stop('SIGTERM'), { code: 0, signal: null });
    await sleep(1100);
    fandns = await startCli(['-C', conf, '--port', '0', '--user=root']);
    await waitForLog(fandns, (r) => r['msg'] === 'cache loaded from cache-file' && r['loaded'] === 1);
    const f = await ask(fandns.port, 'f.svc.test');
    assert.equal(f?.data, '192.0.2.1');
    assert.equal(asked('f.svc.test'), 1, 'still never asked again');
    assert.ok(f !== undefined && f.ttl <= 298, `TTL ${f?.ttl}: the time down taken off`);
  });
});
