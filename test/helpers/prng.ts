/**
 * A small seeded pseudo-random generator for reproducible fuzzing (xorshift32 over a scrambled
 * seed). Not for anything that needs unpredictability: the point is that a seed printed in a
 * failure message replays the same inputs.
 */

/** The fuzz seed: FANDNS_FUZZ_SEED when set (to replay a failure), else a fixed default. */
export function fuzzSeed(fallback: number): number {
  const env = process.env['FANDNS_FUZZ_SEED'];
  return env !== undefined && env !== '' ? Number(env) >>> 0 : fallback;
}

/** A deterministic stream of numbers and bytes. */
export class Prng {
  #s: number;

  constructor(seed: number) {
    // Scramble the seed so that nearby seeds (0, 1, 2…) start far apart; never let the state be 0.
    let s = (seed ^ 0x9e3779b9) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    this.#s = (s ^ (s >>> 16)) >>> 0 || 1;
  }

  /** The next unsigned 32-bit value. */
  u32(): number {
    let x = this.#s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.#s = x;
    return x;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : this.u32() % n;
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}
