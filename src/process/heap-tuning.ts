/**
 * V8 heap growth for a long-running cache. By default V8 lets the old generation grow to about
 * twice its live size before the next full collection. Measured with 1,000,000 cached names
 * (bench/cache-memory.ts, dnsperf filling at ~20k q/s): live heap ~160 MiB but 590 MiB resident;
 * with a 30% growing factor, 330 MiB resident at the same fill rate (15%: 308 MiB, but the fill
 * slowed to 15.6k q/s). Set once at start-up, before the heap grows; FANDNS_HEAP_GROWING_PERCENT
 * overrides it (0 leaves V8's default).
 */
import { setFlagsFromString } from 'node:v8';

/** The growing factor fandns asks V8 for, in percent over the live size. */
export const HEAP_GROWING_PERCENT = 30;

/** Applies the heap growing factor to this process. */
export function tuneHeap(env: NodeJS.ProcessEnv = process.env): void {
  const raw = env['FANDNS_HEAP_GROWING_PERCENT'];
  const pct = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : HEAP_GROWING_PERCENT;
  if (pct > 0) setFlagsFromString(`--heap-growing-percent=${pct}`);
}
