/**
 * The speed targets of the bench issue, read off a run's results: each as measured in every round
 * that has the scenarios it needs, and how many rounds met it. The 1,000,000-entry memory target is
 * measured separately (`npm run bench:memory`).
 */
import { signed } from './report-table.js';
import { median } from './rounds.js';
import type { ScenarioResult, ServerRun } from './scenario-run.js';
import type { Measured } from './measure.js';

/** One target: what it compares, the bound, and which way is good. */
interface Target {
  readonly what: string;
  /** The value in one round, or null when the round lacks what it needs. */
  readonly value: (round: ReadonlyMap<string, ScenarioResult>) => number | null;
  readonly met: (v: number) => boolean;
  readonly show: (v: number) => string;
}

/** What one target measured over the rounds. */
export interface TargetResult {
  readonly what: string;
  /** One value per round that had the scenarios (in round order). */
  readonly values: readonly number[];
  readonly shown: readonly string[];
  /** The median of the values, shown as they are. */
  readonly median: string;
  readonly met: number;
}

const ok = (s: ScenarioResult | undefined, server: string): Measured | null => {
  const r = s?.runs.find((x: ServerRun) => x.server === server);
  return r?.status === 'ok' ? r.result : null;
};

/** fandns's value over another server's in one scenario, or null. */
const over = (id: string, other: string, pick: (m: Measured) => number) => (round: ReadonlyMap<string, ScenarioResult>) => {
  const f = ok(round.get(id), 'fandns');
  const o = ok(round.get(id), other);
  return f && o && pick(o) > 0 ? pick(f) / pick(o) : null;
};

const times = (v: number) => `${v.toFixed(2)}×`;
const qps = (m: Measured) => m.throughput.qps;

const TARGETS: readonly Target[] = [
  { what: 'hit CPU/q at the fixed rate ≤ 1.10× the Node echo floor', value: over('hit', 'echo', (m) => m.latency.cpu.usPerQuery), met: (v) => v <= 1.1, show: times },
  { what: 'hit throughput ≥ 0.55× dnsmasq', value: over('hit', 'dnsmasq', qps), met: (v) => v >= 0.55, show: times },
  { what: 'miss throughput ≥ 1.2× dnsmasq', value: over('miss', 'dnsmasq', qps), met: (v) => v >= 1.2, show: times },
  {
    what: 'hits with log-queries ≤ 15 % below hits without',
    value: (round) => {
      const log = ok(round.get('log'), 'fandns');
      const hit = ok(round.get('hit'), 'fandns');
      return log && hit && hit.throughput.qps > 0 ? log.throughput.qps / hit.throughput.qps - 1 : null;
    },
    met: (v) => v >= -0.15,
    show: (v) => `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} %`, // + when logging ran faster (client-bound hits)
  },
];

/** The p99 target, per scenario: fandns's p99 at half of dnsmasq's capacity ≤ dnsmasq's + 1 ms. */
function p99Target(id: string, title: string): Target {
  return {
    what: `p99 ≤ dnsmasq + 1 ms: ${title}`,
    value: (round) => round.get(id)?.ratio?.p99DeltaMs ?? null,
    met: (v) => v <= 1,
    show: (v) => `${signed(v)} ms`,
  };
}

/** Every target, measured in each round of `results`. */
export function measureTargets(results: readonly ScenarioResult[]): TargetResult[] {
  const rounds = new Map<number, Map<string, ScenarioResult>>();
  for (const r of results) {
    if (!rounds.has(r.round)) rounds.set(r.round, new Map());
    rounds.get(r.round)!.set(r.id, r);
  }
  const ordered = [...rounds.keys()].sort((a, b) => a - b).map((k) => rounds.get(k)!);
  const titles = new Map(results.map((r) => [r.id, r.title]));
  const all = [...TARGETS, ...[...titles].map(([id, title]) => p99Target(id, title))];
  return all.flatMap((t) => {
    const values = ordered.map((round) => t.value(round)).filter((v): v is number => v !== null && Number.isFinite(v));
    return values.length ? [{ what: t.what, values, shown: values.map(t.show), median: t.show(median(values)), met: values.filter(t.met).length }] : [];
  });
}

/** The targets as a markdown table: each round's value, the median, and in how many rounds it was met. */
export function targetsTable(results: readonly ScenarioResult[]): string {
  const lines = ['| target | each round | median | met |', '|---|---|---:|---:|'];
  for (const t of measureTargets(results)) lines.push(`| ${t.what} | ${t.shown.join(', ')} | ${t.median} | ${t.met} of ${t.values.length} |`);
  return lines.join('\n');
}
