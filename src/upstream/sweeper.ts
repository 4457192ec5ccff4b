/**
 * Timeouts for upstream queries without a timer object per query. Measured (perf, miss path):
 * the young-generation scavenger was the largest user-time cost, and per-query timers (a
 * setTimeout each, or a queued timer object kept until its deadline) made every forwarded query's
 * closures outlive a scavenge. Instead each waiting query stores its deadline; whatever holds
 * queries is watched, and one unref'd 25 ms ticker asks each to time out what is due.
 *
 * The watched set is an array with each member's position stored on it (swap-remove), not a JS
 * Set: one add and one delete per forwarded query on a Set keeps short-lived objects alive after a
 * full collection (see src/upstream/id-table.ts).
 */
import { performance } from 'node:perf_hooks';

/** Something holding queries with deadlines. */
export interface Sweepable {
  /** Times out what is due at `now`; returns true while anything is still waiting. */
  sweep(now: number): boolean;
  /** Position in the watched list, -1 when not watched (managed here; start at -1). */
  sweepSlot: number;
}

/** How often timeouts are checked: a deadline is met up to this late. */
export const TICK_MS = 25;
const watched: Sweepable[] = [];
let ticker: NodeJS.Timeout | null = null;

function tick(): void {
  const now = performance.now();
  for (let i = watched.length - 1; i >= 0; i = Math.min(i - 1, watched.length - 1)) {
    const s = watched[i]!;
    if (!s.sweep(now)) unwatch(s);
  }
  if (watched.length === 0 && ticker !== null) {
    clearInterval(ticker);
    ticker = null;
  }
}

/** Starts watching `s` until its sweep reports nothing left (or unwatch). */
export function watch(s: Sweepable): void {
  if (s.sweepSlot >= 0) return;
  s.sweepSlot = watched.length;
  watched.push(s);
  if (ticker === null) {
    ticker = setInterval(tick, TICK_MS);
    ticker.unref();
  }
}

/** Stops watching `s` (it settled before its deadline). */
export function unwatch(s: Sweepable): void {
  const i = s.sweepSlot;
  if (i < 0) return;
  const last = watched.pop()!;
  if (last !== s) {
    watched[i] = last;
    last.sweepSlot = i;
  }
  s.sweepSlot = -1;
}
