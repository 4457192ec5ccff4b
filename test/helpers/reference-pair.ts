/**
 * fandns and dnsmasq side by side for reference tests: the real `fandns` CLI and a real dnsmasq
 * started from the same config lines, each on its own free loopback port.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCli, type CliProcess } from './cli-process.js';
import { startDnsmasq, type DnsmasqOptions, type RunningDnsmasq } from './dnsmasq.js';

/** The two servers of a pair. */
export interface ReferencePair {
  readonly fandns: CliProcess;
  readonly dnsmasq: RunningDnsmasq;
}

/**
 * Starts both from `lines` (loopback upstreams only). fandns reads them from `dir/TAG.conf` after
 * the lines the dnsmasq helper gives dnsmasq itself (no-resolv, no-hosts, listen on 127.0.0.1).
 */
export async function startReferencePair(lines: string, dir: string, tag: string, opts: DnsmasqOptions = {}): Promise<ReferencePair> {
  const file = join(dir, `${tag}.conf`);
  writeFileSync(file, `no-resolv\nno-hosts\nlisten-address=127.0.0.1\n${lines}\n`);
  return { fandns: await startCli(['-C', file, '--port', '0']), dnsmasq: await startDnsmasq(lines, opts) };
}

/** Stops both servers of each pair given (any may be undefined if its start failed). */
export async function stopReferencePairs(...pairs: (ReferencePair | undefined)[]): Promise<void> {
  for (const p of pairs) {
    await p?.fandns.stop();
    await p?.dnsmasq.stop();
  }
}
