/**
 * fandns as the system nameserver, in a network namespace of its own (root only; skipped
 * otherwise): a dnsmasq serving a test zone on 127.0.0.2:53 is the upstream; fandns listens on
 * 127.0.0.1:53 (as root, then as nobody) with a resolv-file that lists fandns itself and the real
 * upstream, as a copied /etc/resolv.conf would. dig inside the namespace gets answers; fandns says
 * it dropped its own entry; the upstream sees each name once, so nothing loops; and glibc inside
 * (getent, with the namespace's own /etc/resolv.conf naming only 127.0.0.1) resolves through
 * fandns. The namespace, its /etc/netns folder and every process are removed afterwards.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { createNetns, type Netns } from '../helpers/netns.js';
import { processIds, skipUnlessRoot, waitGone } from '../helpers/proc.js';
import { skipUnless, which } from '../helpers/tools.js';

const UPSTREAM_CONF = [
  'no-resolv', 'no-hosts', 'bind-interfaces', 'listen-address=127.0.0.2', 'port=53', 'log-queries',
  'local=/zone.test/', 'local-ttl=300',
  'host-record=www.zone.test,192.0.2.10',
  'host-record=api.zone.test,192.0.2.11',
  'host-record=mail.zone.test,192.0.2.12',
  'host-record=glibc.zone.test,192.0.2.13',
].join('\n');

const NAMES = { 'www.zone.test': '192.0.2.10', 'api.zone.test': '192.0.2.11', 'mail.zone.test': '192.0.2.12' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fandns as the system nameserver (network namespace)', { skip: skipUnlessRoot() || skipUnless('ip', 'dig', 'dnsmasq', 'getent') }, () => {
  let unavailable: string | null = null;
  let ns: Netns | null = null;
  let dir: string;
  let upstream: ChildProcess | null = null;
  let fandns: CliProcess | null = null;
  const upstreamLog = () => readFileSync(join(dir, 'upstream.log'), 'utf8');
  const dig = async (...args: string[]) => (await ns!.exec('dig', ['@127.0.0.1', '+time=2', '+tries=1', ...args])).stdout.trim();
  const skipIfUnavailable = (t: TestContext) => {
    if (unavailable) t.skip(unavailable);
    return unavailable !== null;
  };

  before(async () => {
    try {
      ns = createNetns();
    } catch (err) {
      unavailable = `cannot create a network namespace: ${(err as Error).message.split('\n')[0]}`;
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'fandns-sysres-'));
    chmodSync(dir, 0o755); // fandns reads its resolv-file again as nobody when it changes
    writeFileSync(join(dir, 'upstream.conf'), `${UPSTREAM_CONF}\nlog-facility=${join(dir, 'upstream.log')}\n`);
    // What a user who copied /etc/resolv.conf would have: fandns itself first, then the upstream.
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\nnameserver 127.0.0.2\n');
    ns.etcFile('resolv.conf', 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n');
    upstream = spawn(ns.wrapper[0]!, [...ns.wrapper.slice(1), which('dnsmasq')!, '--keep-in-foreground', `--conf-file=${join(dir, 'upstream.conf')}`, '--pid-file='],
      { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      if ((await ns.exec('dig', ['@127.0.0.2', '+short', '+time=1', '+tries=1', 'version.bind', 'CH', 'TXT'])).stdout.includes('dnsmasq')) break;
      await sleep(100);
    }
    fandns = await startCli(['--port=53', '--listen-address=127.0.0.1', `--resolv-file=${join(dir, 'resolv.conf')}`, '--no-hosts', '--log-queries'],
      10_000, undefined, ns.wrapper);
  });

  after(async () => {
    if (fandns) assert.deepEqual(await fandns.stop('SIGTERM'), { code: 0, signal: null }, fandns.stderr());
    if (upstream?.pid !== undefined && upstream.exitCode === null) {
      process.kill(upstream.pid, 'SIGTERM');
      if (!(await waitGone(upstream.pid, 3000))) process.kill(upstream.pid, 'SIGKILL');
    }
    ns?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1:53 and drops to nobody after binding', async (t) => {
    if (skipIfUnavailable(t)) return;
    assert.equal(fandns!.port, 53);
    await waitForLog(fandns!, (r) => r['msg'] === 'dropped privileges');
    assert.deepEqual(processIds(fandns!.pid).uid, [65534, 65534, 65534, 65534]);
  });

  it('answers dig, having dropped its own entry from the resolv-file', async (t) => {
    if (skipIfUnavailable(t)) return;
    for (const [name, address] of Object.entries(NAMES)) assert.equal(await dig('+short', name), address, name);
    assert.match(fandns!.stderr(), /resolv\.conf:1: ignoring nameserver 127\.0\.0\.1#53 - it is fandns itself/);
    assert.ok(!/ignoring nameserver 127\.0\.0\.2/.test(fandns!.stderr()));
  });

  it('sends each name to the upstream once: no loop through itself, repeats from the cache', async (t) => {
    if (skipIfUnavailable(t)) return;
    for (const name of Object.keys(NAMES)) assert.ok((await dig('+short', name)) !== '', `${name} again`);
    const log = upstreamLog();
    for (const name of Object.keys(NAMES)) {
      assert.equal(log.split('\n').filter((l) => l.includes(`query[A] ${name} from 127.0.0.1`)).length, 1, `${name} at the upstream:\n${log}`);
    }
    const records = await waitForLog(fandns!, (r) => r['msg'] === 'query' && String(r['qname']).endsWith('zone.test'), 6);
    assert.deepEqual(new Set(records.map((r) => r['upstream'] ?? null)), new Set(['127.0.0.2#53', null]), 'answers came from 127.0.0.2 or the cache');
    assert.equal(records.filter((r) => r['source'] === 'cache').length, 3);
  });

  it('is what glibc inside the namespace resolves through', async (t) => {
    if (skipIfUnavailable(t)) return;
    // `getent hosts` (gethostbyname2: AAAA, then A), not `ahosts`: getaddrinfo's AI_ADDRCONFIG
    // would skip DNS in a namespace that has loopback addresses only.
    const r = await ns!.exec('getent', ['hosts', 'glibc.zone.test']);
    assert.equal(r.code, 0, `getent: ${r.stderr}\n${fandns!.stderr()}`);
    assert.match(r.stdout, /^192\.0\.2\.13\s+glibc\.zone\.test$/m);
    const seen = await waitForLog(fandns!, (x) => x['msg'] === 'query' && x['qname'] === 'glibc.zone.test' && x['qtype'] === 'A');
    assert.deepEqual([seen[0]!['client'], seen[0]!['upstream'], seen[0]!['answers']], ['127.0.0.1', '127.0.0.2#53', 1]);
  });
});
