/**
 * Timeouts for upstream queries without a timer object per query. Measured (perf, miss path):
 * the young-generation scavenger was the largest user-time cost, and per-query timers (a
 * setTimeout each, or a queued timer object kept until its deadline) made every forwarded query's
 * closures outlive a scavenge. Instead each waiting query stores its deadline; sockets with
 * queries waiting are watched, and one unref'd 25 ms ticker asks each to time out what is due.
 */
import { performance } from 'node:perf_hooks';

/** Something holding queries with deadlines. */
export interface Sweepable {
  /** Times out what is due at `now`; returns true while anything is still waiting. */
  sweep(now: number): boolean;
}

const TICK_MS = 25;
const watched = new Set<Sweepable>();
let ticker: NodeJS.Timeout | null = null;

function tick(): void {
  const now = performance.now();
  for (const s of watched) if (!s.sweep(now)) watched.delete(s);
  if (watched.size === 0 && ticker !== null) {
    clearInterval(ticker);
    ticker = null;
  }
}

/** Starts watching `s` until its sweep reports nothing left. */
export function watch(s: Sweepable): void {
  watched.add(s);
  if (ticker === null) {
    ticker = setInterval(tick, TICK_MS);
    ticker.unref();
  }
}

/** Stops watching `s` (it settled before its deadline). */
export function unwatch(s: Sweepable): void {
  watched.delete(s);
}
