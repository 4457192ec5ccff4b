/**
 * stunnel (OpenSSL) as a DNS-over-TLS front for a real DNS server in interop tests: it accepts TLS
 * on 127.0.0.1 and a free port, with the test CA's certificate (test/fixtures/tls), and passes the
 * clear stream to a TCP server on 127.0.0.1, which is how operators put DNS over TLS in front of
 * dnsmasq or Unbound (RFC 7858 §3.3: the framing is DNS over TCP's). Stopped by its PID only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, trackChild } from './dnsmasq.js';
import { freePort } from './fake-upstream.js';
import { which } from './tools.js';
import { sleep } from './wait.js';

/** The test TLS material: the CA that signed `server.pem` (for dns.fandns.test and 127.0.0.1). */
export const TLS_FIXTURE = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/tls/${name}`, import.meta.url));

/** A fixture certificate's notAfter, Unix seconds (read with X509Certificate). */
export const fixtureNotAfter = (name: string): number => Math.floor(Date.parse(new X509Certificate(readFileSync(TLS_FIXTURE(name))).validTo) / 1000);

/** A running stunnel. */
export interface RunningStunnel {
  readonly port: number;
  /** Its log so far (stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts stunnel accepting TLS with `server.pem` and forwarding to 127.0.0.1:`backendPort`. */
export async function startStunnel(backendPort: number, cert = 'server'): Promise<RunningStunnel> {
  const bin = which('stunnel4') ?? which('stunnel');
  if (!bin) throw new Error('stunnel not installed');
  const dir = mkdtempSync(join(tmpdir(), 'fandns-stunnel-'));
  const port = await freePort();
  const conf = join(dir, 'stunnel.conf');
  writeFileSync(conf, [
    'foreground = yes', 'pid =', 'debug = 5',
    '[dot]', `accept = 127.0.0.1:${port}`, `connect = 127.0.0.1:${backendPort}`,
    `cert = ${TLS_FIXTURE(`${cert}.pem`)}`, `key = ${TLS_FIXTURE(`${cert}.key`)}`, '',
  ].join('\n'));
  const child = spawn(bin, [conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (await accepts(port)) return { port, log: () => stderr, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`stunnel did not start: ${stderr.trim() || 'no output'}`);
}
