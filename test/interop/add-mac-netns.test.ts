/**
 * add-mac with a real neighbour entry, against dnsmasq 2.90 (root only; skipped otherwise). In a
 * network namespace of its own (nothing sent there can reach another network), a veth interface
 * holds a permanent neighbour entry 127.0.0.5 → 02:00:00:00:00:01; the kernel looks neighbours up
 * by address, so a client sending from 127.0.0.5 over loopback has that MAC for both servers, as
 * a LAN client would. fandns (which drops to nobody after binding and reads /proc/net/arp) and
 * dnsmasq (netlink) get the same config and a recording upstream inside the namespace, and must
 * send the same options: the raw MAC (65001) and its text form (65073) for 127.0.0.5, nothing for
 * 127.0.0.1; and neither caches an answer sent with a MAC.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dnsPacket from 'dns-packet';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { optOf } from '../helpers/dns-client.js';
import { createNetns, type Netns } from '../helpers/netns.js';
import { skipUnlessRoot, waitGone } from '../helpers/proc.js';
import { skipUnless, which } from '../helpers/tools.js';

const RECORDER = fileURLToPath(new URL('../helpers/recording-upstream-main.js', import.meta.url));
/** Ports inside the namespace: its loopback is its own, so fixed ones cannot clash. */
const UP = 5300;
const PORTS = { fandns: 5301, dnsmasq: 5302 } as const;
const MAC = '02:00:00:00:00:01';
const CONF = ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `server=127.0.0.1#${UP}`, 'add-mac', 'add-mac=text'].join('\n');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('add-mac from the neighbour table: fandns and dnsmasq in a network namespace', { skip: skipUnlessRoot() || skipUnless('ip', 'dig', 'dnsmasq') }, () => {
  let unavailable: string | null = null;
  let ns: Netns | null = null;
  let dir = '';
  const children: ChildProcess[] = [];
  let fandns: CliProcess | null = null;
  let received: string[] = [];

  const skipIfUnavailable = (t: TestContext) => {
    if (unavailable) t.skip(unavailable);
    return unavailable !== null;
  };
  /** Starts `argv` inside the namespace. */
  const inside = (argv: string[]): ChildProcess => {
    const c = spawn(ns!.wrapper[0]!, [...ns!.wrapper.slice(1), ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(c);
    return c;
  };
  /** What went upstream while `ask` ran: each query's options as "code=hex". */
  const sentDuring = async (ask: () => Promise<unknown>): Promise<string[][]> => {
    const before = received.length;
    await ask();
    await sleep(50);
    return received.slice(before).map((hex) => (optOf(dnsPacket.decode(Buffer.from(hex, 'hex')))?.options ?? []).map((o) => `${o.code}=${o.data.toString('hex')}`));
  };
  const dig = (server: keyof typeof PORTS, from: string, name: string) =>
    ns!.exec('dig', ['@127.0.0.1', '-p', String(PORTS[server]), '-b', from, '+noedns', '+time=2', '+tries=1', '+short', name]);

  before(async () => {
    try {
      ns = createNetns();
      await ns.exec('ip', ['link', 'add', 'mac0', 'type', 'veth', 'peer', 'name', 'mac1']);
      const r = await ns.exec('ip', ['neigh', 'add', '127.0.0.5', 'lladdr', MAC, 'dev', 'mac0', 'nud', 'permanent']);
      if (r.code !== 0) throw new Error(r.stderr);
    } catch (err) {
      unavailable = `cannot set up the namespace: ${(err as Error).message.split('\n')[0]}`;
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'fandns-addmac-'));
    const recorder = inside([process.execPath, RECORDER, String(UP)]);
    let out = '';
    recorder.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      received.push(...lines.filter((l) => l !== 'ready'));
    });
    writeFileSync(join(dir, 'dnsmasq.conf'), `${CONF}\nport=${PORTS.dnsmasq}\nbind-interfaces\n`);
    inside([which('dnsmasq')!, '--keep-in-foreground', `--conf-file=${join(dir, 'dnsmasq.conf')}`, '--pid-file=', '--log-facility=-']);
    writeFileSync(join(dir, 'fandns.conf'), `${CONF}\nport=${PORTS.fandns}\n`);
    fandns = await startCli(['-C', join(dir, 'fandns.conf')], 10_000, undefined, ns.wrapper);
    for (let i = 0; i < 50 && (await ns.exec('dig', ['@127.0.0.1', '-p', String(PORTS.dnsmasq), '+short', '+time=1', '+tries=1', 'version.bind', 'CH', 'TXT'])).stdout === ''; i++) await sleep(100);
    received = [];
  });

  after(async () => {
    await fandns?.stop();
    for (const c of children) {
      if (c.pid === undefined || c.exitCode !== null) continue;
      process.kill(c.pid, 'SIGTERM');
      if (!(await waitGone(c.pid, 3000))) process.kill(c.pid, 'SIGKILL');
    }
    ns?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const withMac = ['65001=020000000001', `65073=${Buffer.from(MAC).toString('hex')}`];

  for (const server of ['fandns', 'dnsmasq'] as const) {
    it(`${server}: a client with a neighbour entry gets its MAC sent, raw and as text`, async (t) => {
      if (skipIfUnavailable(t)) return;
      assert.deepEqual(await sentDuring(() => dig(server, '127.0.0.5', `lan-${server}.test`)), [withMac]);
    });

    it(`${server}: a loopback client without one gets nothing added (no EDNS at all)`, async (t) => {
      if (skipIfUnavailable(t)) return;
      const sent = await sentDuring(() => dig(server, '127.0.0.1', `lo-${server}.test`));
      assert.equal(sent.length, 1);
      assert.equal(optOf(dnsPacket.decode(Buffer.from(received.at(-1)!, 'hex'))), undefined);
    });

    it(`${server}: an answer sent with a MAC is not cached`, async (t) => {
      if (skipIfUnavailable(t)) return;
      const name = `again-${server}.test`;
      const sent = await sentDuring(async () => {
        for (let i = 0; i < 2; i++) assert.equal((await dig(server, '127.0.0.5', name)).stdout.trim(), '10.53.0.1');
      });
      assert.deepEqual(sent, [withMac, withMac]);
    });
  }
});
