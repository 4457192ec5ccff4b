/**
 * A real dnsmasq for interop tests, on 127.0.0.1 and a free high port, from config text. The
 * helper adds the safety options itself (no-resolv, no-hosts, bind-interfaces, listen-address,
 * keep-in-foreground, a pid file and log file in a temp folder) and refuses config text that
 * names a non-loopback upstream or its own port/listen options. It is stopped by its PID only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { udpExchange } from './dns-client.js';
import { freePort } from './fake-upstream.js';
import { which } from './tools.js';

/** Options for startDnsmasq. */
export interface DnsmasqOptions {
  /** Log every query (`log-queries`) to the log file. */
  readonly logQueries?: boolean;
  /** How long to wait for the first answer (default 5000 ms). */
  readonly readyTimeoutMs?: number;
}

/** A running dnsmasq. */
export interface RunningDnsmasq {
  readonly port: number;
  readonly pid: number;
  /** `server=` value for it: `127.0.0.1#PORT`. */
  readonly spec: string;
  /** Its log so far (log-facility file). */
  log(): string;
  /** SIGTERM by PID, then SIGKILL if it has not exited within 3 s; removes the temp folder. */
  stop(): Promise<void>;
}

/** Options the helper owns; config text must not set them. */
const OWNED = /^\s*(port|listen-address|interface|except-interface|bind-dynamic|resolv-file|conf-dir|conf-file|user|pid-file|log-facility)\s*=/m;

/**
 * Throws unless every `server=`/`local=`/`rev-server=` address in `conf` is on 127.0.0.0/8 (or
 * absent, `#`, or a local-only rule): these tests must never query a real nameserver.
 */
export function assertLoopbackOnly(conf: string): void {
  for (const raw of conf.split('\n')) {
    const line = raw.trim();
    const m = /^(server|local|rev-server)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let spec = m[2]!.replace(/^tls:\/\//, '');
    if (m[1] === 'rev-server') spec = spec.includes(',') ? spec.slice(spec.indexOf(',') + 1) : '';
    else if (spec.startsWith('/')) spec = spec.slice(spec.lastIndexOf('/') + 1);
    const addr = spec.replace(/^tls:\/\//, '').split(/[#@%,]/)[0]!.trim();
    if (addr === '' || spec === '#') continue;
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(addr)) throw new Error(`refusing non-loopback upstream in test config: ${line}`);
  }
  const owned = OWNED.exec(conf);
  if (owned) throw new Error(`the dnsmasq helper sets ${owned[1]} itself; remove it from the config text`);
}

/** A CHAOS TXT version.bind query, which dnsmasq answers itself whatever the config. */
function probe(): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'TXT', name: 'version.bind', class: 'CH' }],
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Polls until dnsmasq answers on `port`; false when it exited or the deadline passed. */
async function waitReady(child: ChildProcess, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      await udpExchange(probe(), port, 200);
      return true;
    } catch {
      // not listening yet
    }
  }
  return false;
}

/** Children still running: killed by PID if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
});

/** Kills `child` (by PID) if this test process exits first. */
export function trackChild(child: ChildProcess): void {
  live.add(child);
}

/** SIGTERM by PID, SIGKILL if it has not exited within 3 s; resolves once it has. */
export async function stopChild(child: ChildProcess): Promise<void> {
  live.delete(child);
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const done = exited(child);
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, 3000);
  await done;
  clearTimeout(timer);
}

/**
 * Starts dnsmasq with `conf` (upstreams must be loopback) on 127.0.0.1 and a free port, and
 * resolves once it answers. Retries with another port if the chosen one was taken meanwhile.
 */
export async function startDnsmasq(conf: string, opts: DnsmasqOptions = {}): Promise<RunningDnsmasq> {
  const bin = which('dnsmasq');
  if (!bin) throw new Error('dnsmasq not installed');
  assertLoopbackOnly(conf);
  const dir = mkdtempSync(join(tmpdir(), 'fandns-dnsmasq-'));
  const confFile = join(dir, 'dnsmasq.conf');
  const logFile = join(dir, 'dnsmasq.log');
  writeFileSync(confFile, conf.endsWith('\n') ? conf : `${conf}\n`);
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const args = [
      '--keep-in-foreground', `--conf-file=${confFile}`, `--port=${port}`, '--listen-address=127.0.0.1',
      '--bind-interfaces', '--no-resolv', '--no-hosts', `--pid-file=${join(dir, 'dnsmasq.pid')}`,
      `--log-facility=${logFile}`, ...(opts.logQueries ? ['--log-queries'] : []),
    ];
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    if (await waitReady(child, port, opts.readyTimeoutMs ?? 5000)) {
      return {
        port,
        pid: child.pid!,
        spec: `127.0.0.1#${port}`,
        log,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    if (!/Address already in use/i.test(stderr + log())) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`dnsmasq did not start: ${(stderr + log()).trim() || 'no output'}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('dnsmasq: no free port after 5 attempts');
}
