/**
 * Time for TTL arithmetic: whole seconds from a monotonic source, read from a variable that a
 * 250 ms unref'd interval refreshes (a per-packet clock read costs ~60 ns, the variable ~9 ns:
 * shared/reference/node-performance.md §6). Tests inject a FakeClock.
 *
 * The process clock starts at ORIGIN, not 0, so that a time before the process started is still
 * a positive number: an entry the cache file brings back already expired (kept for
 * use-stale-cache) is stored as having expired that long before the start.
 */
import { performance } from 'node:perf_hooks';

/** A source of whole seconds. */
export interface Clock {
  /** Current time in whole seconds (monotonic; only differences matter). */
  now(): number;
}

/** The process clock's reading at start-up: 2^30 s, about 34 years (entries store times as u32). */
export const ORIGIN = 2 ** 30;

const read = (): number => ORIGIN + Math.floor(performance.now() / 1000);
let current = read();
let timer: NodeJS.Timeout | null = null;

/** The process clock: coarse (±250 ms) monotonic seconds. */
export const systemClock: Clock = {
  now() {
    if (timer === null) {
      timer = setInterval(() => {
        current = read();
      }, 250);
      timer.unref();
      current = read();
    }
    return current;
  },
};

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(public t = 1000) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by `s` seconds. */
  advance(s: number): void {
    this.t += s;
  }
}
