/**
 * Load generation and measurement for overload tests: UDP bursts in rounds with every reply
 * tallied by RCODE, the resident memory of a process (VmRSS) sampled while it runs, and a scrape
 * of fandns's Prometheus counters. Every loop is bounded in count and time.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { buildQuery } from './dns-client.js';
import { sleep } from './wait.js';

/** What a load run sent and got back. */
export interface LoadTally {
  sent: number;
  answered: number;
  /** Replies by RCODE number. */
  readonly rcodes: Map<number, number>;
  /** NOERROR replies whose answer was not what `check` expected. */
  wrong: number;
}

/** A fresh tally. */
export function emptyTally(): LoadTally {
  return { sent: 0, answered: 0, rcodes: new Map(), wrong: 0 };
}

/**
 * Sends `rounds` bursts of `perRound` queries (names from `name(round, i)`) from one socket, each
 * burst at once, and waits for a burst's replies (at most `waitMs`) before the next. `check`
 * judges each NOERROR reply.
 */
export async function udpRounds(
  port: number,
  opts: { rounds: number; perRound: number; waitMs: number; name: (round: number, i: number) => string; check: (reply: Buffer) => boolean },
  tally: LoadTally = emptyTally(),
): Promise<LoadTally> {
  const s = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  let got = new Set<number>();
  s.on('message', (m, from) => {
    if (from.port !== port || m.length < 12 || got.has(m.readUInt16BE(0))) return; // only the server's replies
    got.add(m.readUInt16BE(0));
    tally.answered++;
    const rcode = m[3]! & 0x0f;
    tally.rcodes.set(rcode, (tally.rcodes.get(rcode) ?? 0) + 1);
    if (rcode === 0 && !opts.check(m)) tally.wrong++;
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  try {
    for (let round = 0; round < opts.rounds; round++) {
      got = new Set();
      for (let i = 0; i < opts.perRound; i++) {
        s.send(buildQuery(opts.name(round, i), { id: i }), port, '127.0.0.1');
        tally.sent++;
      }
      const until = Date.now() + opts.waitMs;
      while (got.size < opts.perRound && Date.now() < until) await sleep(10);
    }
  } finally {
    s.close();
  }
  return tally;
}

/** The resident set size of process `pid` in bytes (Linux /proc), or null. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples the RSS of `pid` every 50 ms until stopped; `stop()` returns the peak in bytes. */
export function sampleRss(pid: number): { stop: () => number } {
  let peak = rssOf(pid) ?? 0;
  const t = setInterval(() => (peak = Math.max(peak, rssOf(pid) ?? 0)), 50);
  return {
    stop: () => {
      clearInterval(t);
      return Math.max(peak, rssOf(pid) ?? 0);
    },
  };
}

/** GETs `http://endpoint/metrics` and sums each metric's samples whose labels contain `filter`. */
export async function scrape(endpoint: string): Promise<(metric: string, filter?: string) => number> {
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(`http://${endpoint}/metrics`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('metrics scrape timed out')));
    req.end();
  });
  return (metric, filter = '') =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `))
      .filter((l) => l.includes(filter))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
