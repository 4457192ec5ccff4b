/** The bench issue's speed targets read off a run's results, round by round. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { Measured } from '../../../bench/measure.js';
import type { Ratios, ScenarioResult, ServerRun } from '../../../bench/scenario-run.js';
import { measureTargets, targetsTable } from '../../../bench/targets.js';

/** A measured run with just the numbers the targets read. */
function run(server: string, qps: number, cpuAtRate = 1): ServerRun {
  const result = { throughput: { qps }, latency: { cpu: { usPerQuery: cpuAtRate } } } as unknown as Measured;
  return { server, status: 'ok', result, sample: { query: '', rcode: 0, answers: 1 }, notes: [] } as ServerRun;
}

function scenario(id: string, round: number, runs: ServerRun[], p99DeltaMs: number | null = null): ScenarioResult {
  const ratio = p99DeltaMs === null ? null : ({ p99DeltaMs } as Ratios);
  return { id, title: `${id} title`, round, rounds: 2, note: '', config: '', runs, ratio };
}

const results: ScenarioResult[] = [
  scenario('hit', 1, [run('dnsmasq', 200_000, 6), run('fandns', 130_000, 8.4), run('echo', 160_000, 8)], 0.4),
  scenario('hit', 2, [run('dnsmasq', 200_000, 6), run('fandns', 100_000, 9), run('echo', 160_000, 8)], 1.2),
  scenario('miss', 1, [run('dnsmasq', 50_000), run('fandns', 62_000), run('relay', 80_000)], 2),
  scenario('log', 1, [run('dnsmasq', 90_000), run('fandns', 117_000)], -0.3),
  scenario('log', 2, [run('dnsmasq', 90_000), { server: 'fandns', status: 'failed', reason: 'x' }], null),
];

describe('bench targets', () => {
  it('measures each target in every round that has what it needs, and counts the rounds that met it', () => {
    const t = new Map(measureTargets(results).map((x) => [x.what, x]));
    const cpu = t.get('hit CPU/q at the fixed rate ≤ 1.10× the Node echo floor')!;
    assert.deepEqual(cpu.shown, ['1.05×', '1.13×']);
    assert.equal(cpu.met, 1);
    assert.deepEqual(t.get('hit throughput ≥ 0.55× dnsmasq')!.shown, ['0.65×', '0.50×']);
    const miss = t.get('miss throughput ≥ 1.2× dnsmasq')!;
    assert.deepEqual([miss.shown, miss.met], [['1.24×'], 1]);
    // Log against hits of the same round; round 2's log run failed, so only round 1 counts.
    const log = t.get('hits with log-queries ≤ 15 % below hits without')!;
    assert.deepEqual([log.shown, log.met], [['-10.0 %'], 1]);
    assert.deepEqual(t.get('p99 ≤ dnsmasq + 1 ms: hit title')!.shown, ['+0.40 ms', '+1.20 ms']);
    assert.equal(t.get('p99 ≤ dnsmasq + 1 ms: hit title')!.met, 1);
  });

  it('leaves out targets no round could measure', () => {
    const only = measureTargets([scenario('cname', 1, [run('dnsmasq', 1), run('fandns', 1)], 0.5)]);
    assert.deepEqual(only.map((x) => x.what), ['p99 ≤ dnsmasq + 1 ms: cname title']);
  });

  it('writes a row per target with each round, the median and the count met', () => {
    const row = targetsTable(results).split('\n').find((l) => l.startsWith('| hit CPU/q'));
    assert.equal(row, '| hit CPU/q at the fixed rate ≤ 1.10× the Node echo floor | 1.05×, 1.13× | 1.09× | 1 of 2 |');
  });
});
