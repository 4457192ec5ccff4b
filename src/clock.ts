/**
 * Time for TTL arithmetic: whole seconds from a monotonic source, read from a variable that a
 * 250 ms unref'd interval refreshes (a per-packet clock read costs ~60 ns, the variable ~9 ns:
 * shared/reference/node-performance.md §6). Tests inject a FakeClock.
 */
import { performance } from 'node:perf_hooks';

/** A source of whole seconds. */
export interface Clock {
  /** Current time in whole seconds (monotonic; only differences matter). */
  now(): number;
}

let current = Math.floor(performance.now() / 1000);
let timer: NodeJS.Timeout | null = null;

/** The process clock: coarse (±250 ms) monotonic seconds. */
export const systemClock: Clock = {
  now() {
    if (timer === null) {
      timer = setInterval(() => {
        current = Math.floor(performance.now() / 1000);
      }, 250);
      timer.unref();
      current = Math.floor(performance.now() / 1000);
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
