/**
 * Run lengths and query-set sizes: the full profile for real numbers, the quick one (about a
 * second per phase) to prove the harness works.
 */

/** How long and how big. */
export interface Profile {
  readonly name: 'full' | 'quick';
  /** Warm-up before measuring (fills the cache, warms the JIT), seconds. */
  readonly warmSec: number;
  /** The throughput run, seconds. */
  readonly loadSec: number;
  /** The fixed-rate latency run, seconds. */
  readonly latencySec: number;
  /** dnsperf -c and -q for every run. */
  readonly clients: number;
  readonly outstanding: number;
  /** Names in the hit set (each asked for A and AAAA). */
  readonly hitNames: number;
  /** Unique names available to the warm-up, throughput and latency runs. */
  readonly warmUnique: number;
  readonly loadUnique: number;
  readonly latencyUnique: number;
  /** Divides every scenario's fixed latency rate (1 for full). */
  readonly rateDivisor: number;
  /** Cap on the throughput runs (dnsperf -Q), or null for as fast as possible. */
  readonly maxQps: number | null;
}

/** The profile behind the README's numbers. */
export const FULL: Profile = {
  name: 'full', warmSec: 2, loadSec: 10, latencySec: 5, clients: 4, outstanding: 100,
  hitNames: 50, warmUnique: 250_000, loadUnique: 1_000_000, latencyUnique: 500_000, rateDivisor: 1, maxQps: null,
};

/** A smoke run: every phase about a second. */
export const QUICK: Profile = {
  name: 'quick', warmSec: 0.5, loadSec: 1, latencySec: 1, clients: 4, outstanding: 100,
  hitNames: 50, warmUnique: 60_000, loadUnique: 120_000, latencyUnique: 5_000, rateDivisor: 10, maxQps: null,
};
