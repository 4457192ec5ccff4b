/**
 * V8 garbage-collector settings for a long-running DNS proxy, applied once at start-up.
 *
 * Incremental marking off. Measured on the miss path (dnsperf, a new name every query, cache of
 * 1,000,000, upstream on another core; issue #6 note): with it fandns forwards ~52k q/s with 15
 * full collections in 14 s, without it ~59k q/s with 2. Full collections are then atomic; the cache
 * lives outside the V8 heap (src/cache/slab.ts), so the live heap stays ~10–50 MiB whatever the
 * cache size, and a pause measured 10–22 ms. Resident memory with 1,000,000 cached names is the
 * same either way (`npm run bench:memory`: 194 MiB without, 197 MiB with).
 *
 * Heap growing factor 30 %: the old generation may grow to 1.3× its live size before the next
 * full collection (V8's default allows about 2×), which keeps resident memory lower.
 *
 * Scavenges on the main thread only (no parallel scavenge). Few young objects survive a scavenge
 * here (4–6 KB), so a helper thread has little to take over, while the main thread waits for it to
 * be scheduled: on a core the proxy has to itself (pinned, as in the bench) that is the same core.
 * Measured with the bench (fandns pinned, five alternating pairs, p99 at half of dnsmasq's
 * capacity): mixed traffic 1.74–1.98 → 1.35–1.73 ms in 5 of 5, misses 2.52–3.58 → 1.93–2.55 ms
 * in 4 of 5, throughput unchanged (bench/README.md, sixteenth session).
 *
 * FANDNS_INCREMENTAL_MARKING=1 keeps V8's incremental marking, FANDNS_PARALLEL_SCAVENGE=1 its
 * parallel scavenges; FANDNS_HEAP_GROWING_PERCENT sets the factor (0 leaves V8's default).
 * (`--single-threaded-gc`, which would also move marking and sweeping to the main thread, can only
 * be given on node's command line: set at run time, V8 stops on a failed check.)
 */
import { setFlagsFromString } from 'node:v8';

/** The growing factor fandns asks V8 for, in percent over the live size. */
export const HEAP_GROWING_PERCENT = 30;

/** The V8 flags tuneHeap applies for environment `env`. */
export function heapFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  const flags: string[] = [];
  if (env['FANDNS_INCREMENTAL_MARKING'] !== '1') flags.push('--no-incremental-marking');
  if (env['FANDNS_PARALLEL_SCAVENGE'] !== '1') flags.push('--no-parallel-scavenge');
  const raw = env['FANDNS_HEAP_GROWING_PERCENT'];
  const pct = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : HEAP_GROWING_PERCENT;
  if (pct > 0) flags.push(`--heap-growing-percent=${pct}`);
  return flags;
}

/** Applies heapFlags(env) to this process (before the heap has grown). */
export function tuneHeap(env: NodeJS.ProcessEnv = process.env): void {
  for (const f of heapFlags(env)) setFlagsFromString(f);
}
