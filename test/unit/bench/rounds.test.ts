/** Summarising several rounds of a scenario: medians, ranges, and the markdown table. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { median, roundsTable, summariseRounds } from '../../../bench/rounds.js';
import { resultLabel, type Ratios, type ScenarioResult } from '../../../bench/scenario-run.js';

const ratios = (qps: number, p99DeltaMs: number): Ratios => ({ qps, cpuPerQuery: 1.5, cpuPerQueryFixed: 1.4, p99: 2, p99DeltaMs, peakRss: 12 });

function result(id: string, round: number, rounds: number, ratio: Ratios | null): ScenarioResult {
  return { id, title: `${id} title`, round, rounds, note: '', config: '', runs: [], ratio };
}

describe('bench rounds', () => {
  it('takes the median of an odd or even count, ignoring what is not a number', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([NaN, 5]), 5);
    assert.ok(Number.isNaN(median([])));
  });

  it('summarises each scenario over its rounds, in the order first seen, skipping rounds without ratios', () => {
    const s = summariseRounds([
      result('miss', 1, 3, ratios(0.9, 2.1)),
      result('miss', 2, 3, ratios(1.0, -0.4)),
      result('miss', 3, 3, ratios(0.95, 0.6)),
      result('hit', 1, 3, ratios(0.6, 0.3)),
      result('hit', 2, 3, null),
    ]);
    assert.deepEqual(s.map((x) => [x.id, x.rounds]), [['miss', 3], ['hit', 1]]);
    assert.deepEqual(s[0]!.ratios.qps, { median: 0.95, min: 0.9, max: 1.0 });
    assert.deepEqual(s[0]!.ratios.p99DeltaMs, { median: 0.6, min: -0.4, max: 2.1 });
    assert.equal(s[0]!.title, 'miss title');
  });

  it('writes medians with their range, and one value when the rounds agree', () => {
    const table = roundsTable(summariseRounds([result('miss', 1, 2, ratios(0.9, 2.1)), result('miss', 2, 2, ratios(1.0, -0.4))]));
    const row = table.split('\n')[2]!;
    assert.equal(row, '| miss title | 2 | 0.95 [0.90 – 1.00] | 1.50 | 1.40 | 2.00 | +0.85 [-0.40 – +2.10] | 12.00 |');
  });

  it('labels a result with its round only when there are several', () => {
    assert.equal(resultLabel({ title: 'cache hit (UDP)', round: 1, rounds: 1 }), 'cache hit (UDP)');
    assert.equal(resultLabel({ title: 'cache hit (UDP)', round: 2, rounds: 3 }), 'cache hit (UDP), round 2/3');
  });
});
