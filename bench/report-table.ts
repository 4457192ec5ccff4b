/** The markdown tables printed at the end of a run and written next to the JSON. */
import { resultLabel, type ScenarioResult, type ServerRun } from './scenario-run.js';

/** `x` with `d` decimals, or '–' when it is not a number. */
export const fixed = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
/** `x` with 2 decimals and its sign ('+0.40', '-1.20'): a p99 difference in ms. */
export const signed = (x: number): string => (x >= 0 ? '+' : '') + fixed(x, 2);
const k = (x: number) => (Number.isFinite(x) ? `${(x / 1000).toFixed(1)}k` : '–');

function row(s: ScenarioResult, r: ServerRun): string {
  if (r.status !== 'ok') return `| ${resultLabel(s)} | ${r.server} | ${r.status} | | | | | | | ${r.reason} |`;
  const m = r.result;
  const t = m.throughput;
  const lat = m.latency;
  return [
    '', resultLabel(s), r.server, k(t.qps), `${t.lost} (${fixed((100 * t.lost) / Math.max(1, t.sent), 2)}%)`, fixed(t.avgLatencyMs, 2),
    `${fixed(lat.percentiles.p50, 3)} / ${fixed(lat.percentiles.p99, 3)} @ ${k(lat.rate)}`,
    `${fixed(m.cpu.usPerQuery, 1)} (${fixed(m.cpu.userUsPerQuery, 1)}+${fixed(m.cpu.systemUsPerQuery, 1)})`,
    fixed(lat.cpu.usPerQuery, 1),
    fixed(m.memory.hwmKiB / 1024, 1), r.notes.join('; '), '',
  ].join(' | ').trim();
}

/** Per-server results, one row per scenario and server. */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const head = [
    '| scenario | server | QPS | lost | avg lat ms | p50 / p99 ms @ ½ dnsmasq capacity | CPU µs/q at max (usr+sys) | CPU µs/q @ that rate | peak RSS MiB | notes |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  return [...head, ...results.flatMap((s) => s.runs.map((r) => row(s, r)))].join('\n');
}

/** fandns ÷ dnsmasq per scenario (below 1 is better for CPU, p99 and RSS; above 1 for QPS). */
export function ratioTable(results: readonly ScenarioResult[]): string {
  const lines = [
    '| scenario | QPS | CPU µs/q at max | CPU µs/q @ ½ dnsmasq capacity | p99 | p99 − dnsmasq ms | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of results) {
    const r = s.ratio;
    lines.push(r
      ? `| ${resultLabel(s)} | ${fixed(r.qps, 2)} | ${fixed(r.cpuPerQuery, 2)} | ${fixed(r.cpuPerQueryFixed, 2)} | ${fixed(r.p99, 2)} | ${signed(r.p99DeltaMs)} | ${fixed(r.peakRss, 2)} |`
      : `| ${resultLabel(s)} | – | – | – | – | – | – |`);
  }
  return lines.join('\n');
}
