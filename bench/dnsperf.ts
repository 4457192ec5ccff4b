/**
 * Runs dnsperf against a server: bounded by `-l` (and `-n 1` for files of unique names) and by a
 * wall-clock `timeout`, pinned to the load core. Output goes to a file, then is parsed.
 */
import { readFileSync } from 'node:fs';
import { parseStats, parseVerboseLatencies, percentiles, type DnsperfStats, type Percentiles } from './dnsperf-parse.js';
import { start } from './procs.js';

/** One dnsperf invocation. */
export interface LoadSpec {
  readonly port: number;
  readonly queryFile: string;
  readonly seconds: number;
  /** Go through the file at most once (files of unique names). */
  readonly once: boolean;
  readonly tcp: boolean;
  /** Simulated clients (dnsperf -c) and outstanding queries (-q). */
  readonly clients: number;
  readonly outstanding: number;
  /** Fixed rate (-Q), or null for as fast as possible. */
  readonly rate: number | null;
  /** Record every query's latency (-v). */
  readonly verbose: boolean;
  readonly cpu: number | null;
  readonly logFile: string;
}

/** What a run produced. */
export interface LoadResult {
  readonly stats: DnsperfStats;
  readonly latency: Percentiles | null;
}

/** Per-query timeout given to dnsperf (-t), seconds; the run waits this long for stragglers. */
const QUERY_TIMEOUT_SEC = 2;

/** The dnsperf argument list for a spec. */
export function dnsperfArgs(s: LoadSpec): string[] {
  const a = ['dnsperf', '-s', '127.0.0.1', '-p', String(s.port), '-d', s.queryFile, '-l', String(s.seconds),
    '-c', String(s.clients), '-q', String(s.outstanding), '-t', String(QUERY_TIMEOUT_SEC)];
  if (s.once) a.push('-n', '1');
  if (s.tcp) a.push('-m', 'tcp');
  if (s.rate !== null) a.push('-Q', String(s.rate));
  if (s.verbose) a.push('-v');
  return a;
}

/** Runs dnsperf to completion and parses its output. */
export async function runDnsperf(s: LoadSpec): Promise<LoadResult> {
  const p = await start({ name: 'dnsperf', argv: dnsperfArgs(s), cpu: s.cpu, limitSec: s.seconds + QUERY_TIMEOUT_SEC + 15, logFile: s.logFile });
  const code = await p.exited;
  const text = readFileSync(s.logFile, 'latin1');
  if (code !== 0) throw new Error(`dnsperf exited with ${code}: ${text.slice(-500)}`);
  return { stats: parseStats(text), latency: s.verbose ? percentiles(parseVerboseLatencies(text)) : null };
}

/**
 * dnsperf 2.10 over TCP can exit with this when the server closes connections under it (dnsmasq does,
 * after 100 queries: bench/README.md "TCP caveat"): its receive thread polls a socket its send thread
 * has just closed to reconnect. Nothing the server did wrong.
 */
const TCP_RACE = /failed to receive packet: Bad file descriptor/;

/** Repeats of one run after that race, at most. */
export const TCP_RACE_RETRIES = 3;

/** Runs `run`, again (at most TCP_RACE_RETRIES times) when it fails on dnsperf's TCP race; `onRetry` is told each time. */
export async function repeatOnTcpRace<T>(run: () => Promise<T>, onRetry: () => void): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= TCP_RACE_RETRIES || !TCP_RACE.test((err as Error).message)) throw err;
      onRetry();
    }
  }
}
