/**
 * Several rounds of one scenario, summarised: the median of each fandns ÷ dnsmasq ratio and its
 * range. On a shared machine one round's throughput can be 10–25 % off the next one's; the servers
 * of a round run one after the other, so a ratio within a round is steadier, and the median of a
 * few rounds steadier still (bench/README.md "Method").
 */
import { fixed, signed } from './report-table.js';
import type { Ratios, ScenarioResult } from './scenario-run.js';

/** Median, lowest and highest of one ratio over the rounds that had it. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One scenario's ratios over its rounds. */
export interface RoundsSummary {
  readonly id: string;
  readonly title: string;
  /** Rounds in which both fandns and dnsmasq ran. */
  readonly rounds: number;
  readonly ratios: { readonly [K in keyof Ratios]: Spread };
}

/** Median of `xs` (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function spread(xs: readonly number[]): Spread {
  const v = xs.filter(Number.isFinite);
  return { median: median(v), min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN };
}

const KEYS: readonly (keyof Ratios)[] = ['qps', 'cpuPerQuery', 'cpuPerQueryFixed', 'p99', 'p99DeltaMs', 'peakRss'];

/** Groups the results by scenario, in first-seen order, and summarises each one's ratios. */
export function summariseRounds(results: readonly ScenarioResult[]): RoundsSummary[] {
  const byId = new Map<string, ScenarioResult[]>();
  for (const r of results) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  return [...byId.values()].map((rs) => {
    const rated = rs.map((r) => r.ratio).filter((r): r is Ratios => r !== null);
    const ratios = Object.fromEntries(KEYS.map((k) => [k, spread(rated.map((r) => r[k]))])) as RoundsSummary['ratios'];
    return { id: rs[0]!.id, title: rs[0]!.title, rounds: rated.length, ratios };
  });
}

const cell = (s: Spread, show: (x: number) => string) =>
  s.min === s.max ? show(s.median) : `${show(s.median)} [${show(s.min)} – ${show(s.max)}]`;

/** The medians as a markdown table, each with its range over the rounds. */
export function roundsTable(summaries: readonly RoundsSummary[]): string {
  const two = (x: number) => fixed(x, 2);
  const lines = [
    '| scenario | rounds | QPS | CPU µs/q at max | CPU µs/q @ ½ dnsmasq capacity | p99 | p99 − dnsmasq ms | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of summaries) {
    const r = s.ratios;
    lines.push(s.rounds === 0
      ? `| ${s.title} | 0 | – | – | – | – | – | – |`
      : `| ${s.title} | ${s.rounds} | ${cell(r.qps, two)} | ${cell(r.cpuPerQuery, two)} | ${cell(r.cpuPerQueryFixed, two)} | ${cell(r.p99, two)} | ${cell(r.p99DeltaMs, signed)} | ${cell(r.peakRss, two)} |`);
  }
  return lines.join('\n');
}
