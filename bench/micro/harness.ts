/**
 * A tiny micro-benchmark harness: plain loops timed with process.hrtime.bigint, no dependency.
 * Each case is calibrated to about `targetMs` per run, then run 5 times; the median ns/op is the
 * number to quote (min and max show the noise).
 */

/** One case: `fn(i)` is one operation; its return value is kept so the loop is not optimised away. */
export interface Case {
  readonly name: string;
  readonly fn: (i: number) => unknown;
}

/** The timing of one case. */
export interface Timing {
  readonly name: string;
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly iterations: number;
}

let sink: unknown;

/** Keeps a value alive (read by nobody, written so the JIT cannot drop the work). */
export function keep(v: unknown): void {
  sink = v;
}

function loop(fn: (i: number) => unknown, n: number): number {
  let last: unknown;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) last = fn(i);
  const ns = Number(process.hrtime.bigint() - t0);
  keep(last);
  return ns / n;
}

/** Times a case: warm-up and calibration, then `runs` runs. */
export function time(c: Case, runs = 5, targetMs = 200): Timing {
  let n = 1000;
  for (;;) {
    const ns = loop(c.fn, n) * n;
    if (ns > 20e6) break;
    n *= 4;
  }
  const perOp = loop(c.fn, n);
  const iterations = Math.max(1000, Math.round((targetMs * 1e6) / perOp));
  const samples = Array.from({ length: runs }, () => loop(c.fn, iterations)).sort((a, b) => a - b);
  return { name: c.name, medianNs: samples[Math.floor(runs / 2)]!, minNs: samples[0]!, maxNs: samples[runs - 1]!, iterations };
}

/** A markdown table of timings. */
export function table(rows: readonly Timing[]): string {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  return [
    '| operation | ns/op (median of 5) | min–max | ops/s |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${f(r.medianNs)} | ${f(r.minNs)}–${f(r.maxNs)} | ${(1e9 / r.medianNs / 1e6).toFixed(2)} M |`),
  ].join('\n');
}

/** For tests of the harness itself: the last kept value. */
export function lastKept(): unknown {
  return sink;
}
