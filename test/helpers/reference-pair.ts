/**
 * fandns and dnsmasq side by side for reference tests: the real `fandns` CLI and a real dnsmasq
 * started from the same config lines, each on its own free loopback port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before } from 'node:test';
import { join } from 'node:path';
import { startCli, type CliProcess } from './cli-process.js';
import { dig, type DigResult } from './dig.js';
import { FakeUpstream, type Script } from './fake-upstream.js';
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

/**
 * Asks both servers of `pair` with dig (one try, 3 s, no cookie) and returns what `shape` makes
 * of each answer: [fandns, dnsmasq].
 */
export async function digBoth(pair: ReferencePair, args: readonly string[], shape: (r: DigResult) => string): Promise<[string, string]> {
  const ask = (port: number) => dig(port, [...args, '+tries=1', '+time=3', '+nocookie']);
  return [shape(await ask(pair.fandns.port)), shape(await ask(pair.dnsmasq.port))];
}

/**
 * For the enclosing describe(): before its tests, a fake upstream answering with `script` and one
 * pair per config (`lines` gets the upstream's `server=` spec), in a fresh folder; after them,
 * everything stopped and removed. Returns the pairs, filled in by the time the tests run;
 * `onUpstream` is given the upstream once it runs (to read what it received).
 */
export function pairsOverFakeUpstream(
  script: Script,
  configs: readonly (readonly [tag: string, lines: (server: string) => string])[],
  onUpstream: (up: FakeUpstream) => void = () => {},
): ReferencePair[] {
  const pairs: ReferencePair[] = [];
  let up: FakeUpstream | undefined;
  let dir: string | undefined;
  before(async () => {
    up = await FakeUpstream.start(script);
    onUpstream(up);
    dir = mkdtempSync(join(tmpdir(), 'fandns-reference-'));
    for (const [tag, lines] of configs) pairs.push(await startReferencePair(lines(up.spec), dir, tag));
  });
  after(async () => {
    await stopReferencePairs(...pairs);
    await up?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return pairs;
}
