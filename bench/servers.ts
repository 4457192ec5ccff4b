/**
 * Starting the processes under test and the upstream: command lines, pinning and readiness.
 * fandns and dnsmasq get the same config file; only `--port` (and dnsmasq's process options:
 * foreground, no pid file, stay root) is added on the command line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandPath } from './machine.js';
import { upstreamCpu, type Placement } from './placement.js';
import { waitReady } from './probe.js';
import { start, stop, type Proc } from './procs.js';
import { ZONE } from './query-files.js';

/** Repository root (this file runs from dist/bench/). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The kinds of server a scenario runs. */
export type ServerKind = 'fandns' | 'dnsmasq' | 'echo' | 'relay';

/** A running server. */
export interface Running {
  readonly kind: ServerKind;
  readonly port: number;
  readonly proc: Proc;
}

export type { Placement };

/** Process options dnsmasq gets on its command line (not in the shared file). */
function dnsmasqArgv(conf: string, port: number, logsToFile: boolean): string[] {
  const a = [commandPath('dnsmasq') ?? 'dnsmasq', '-C', conf, `--port=${port}`, '--keep-in-foreground', '--pid-file=', '--user=root'];
  if (!logsToFile) a.push('--log-facility=-');
  return a;
}

/**
 * Extra node flags for fandns from BENCH_FANDNS_NODE_FLAGS (diagnosis: `--trace-gc`, `--cpu-prof`…;
 * node refuses some of these in NODE_OPTIONS).
 */
function fandnsNodeFlags(): string[] {
  return (process.env['BENCH_FANDNS_NODE_FLAGS'] ?? '').split(/\s+/).filter(Boolean);
}

/**
 * The argv that starts `kind` with config `conf` on `port` (the relay forwards to `upstreamPort`);
 * `nodeFlags` go to every Node server (bench/where.ts profiles fandns and its floor alike).
 */
export function serverArgv(kind: ServerKind, conf: string, port: number, logsToFile: boolean, upstreamPort = 0, nodeFlags: readonly string[] = []): string[] {
  if (kind === 'fandns') return [process.execPath, ...nodeFlags, ...fandnsNodeFlags(), join(ROOT, 'dist/src/cli.js'), '-C', conf, `--port=${port}`];
  if (kind === 'dnsmasq') return dnsmasqArgv(conf, port, logsToFile);
  if (kind === 'relay') return [process.execPath, ...nodeFlags, join(ROOT, 'dist/bench/relay-server.js'), String(port), String(upstreamPort)];
  return [process.execPath, ...nodeFlags, join(ROOT, 'dist/bench/echo-server.js'), String(port)];
}

/** Starts a server under test and waits until it answers. */
export async function startServer(
  kind: ServerKind, conf: string, confText: string, port: number, at: Placement, tag: string, upstreamPort = 0,
  nodeFlags: readonly string[] = [],
): Promise<Running> {
  const proc = await start({
    name: kind,
    argv: serverArgv(kind, conf, port, /^log-facility=/m.test(confText), upstreamPort, nodeFlags),
    cpu: at.serverCpu,
    limitSec: at.limitSec,
    logFile: join(at.workDir, `${tag}-${kind}.log`),
    cwd: at.workDir, // V8's --perf-basic-prof also writes isolate-*-v8.log here
  });
  try {
    await waitReady(port, `probe.${ZONE}`);
  } catch (err) {
    await stop(proc);
    throw err;
  }
  return { kind, port, proc };
}

/** The upstream: dnsmasq answering the bench zone locally with TTL 300 (A and AAAA). */
export function upstreamConfig(): string {
  return [
    '# fandns bench upstream: answers the bench zone itself, TTL 300.',
    'no-resolv', 'no-hosts', 'bind-interfaces', 'listen-address=127.0.0.1',
    `address=/${ZONE}/192.0.2.1`, `address=/${ZONE}/2001:db8::1`, 'local-ttl=300', 'cache-size=0',
    '',
  ].join('\n');
}

/** Starts the `index`-th upstream dnsmasq (from 0) on its core (see placement.ts). */
export async function startUpstream(port: number, at: Placement, limitSec: number, index = 0): Promise<Running> {
  const conf = join(at.workDir, 'upstream.conf');
  writeFileSync(conf, upstreamConfig());
  const proc = await start({ name: 'upstream', argv: dnsmasqArgv(conf, port, false), cpu: upstreamCpu(at, index), limitSec, logFile: join(at.workDir, `upstream-${port}.log`) });
  try {
    const r = await waitReady(port, `probe.${ZONE}`);
    if (r.rcode !== 0 || r.answers !== 1) throw new Error(`upstream on port ${port} answered rcode ${r.rcode} with ${r.answers} records`);
  } catch (err) {
    await stop(proc);
    throw err;
  }
  return { kind: 'dnsmasq', port, proc };
}
