/** Parsing dnsperf 2.10 output: the statistics block and verbose per-query latencies. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseStats, parseVerboseLatencies, percentiles } from '../../../bench/dnsperf-parse.js';

const STATS = `[Status] Testing complete (time limit)

Statistics:

  Queries sent:         353912
  Queries completed:    353900 (100.00%)
  Queries lost:         12 (0.00%)

  Response codes:       NOERROR 353800 (99.97%), SERVFAIL 100 (0.03%)
  Average packet size:  request 30, response 52
  Run time (s):         2.011325
  Queries per second:   175959.628603

  Average Latency (s):  0.000477 (min 0.000006, max 0.011691)
  Latency StdDev (s):   0.000407
`;

describe('dnsperf output', () => {
  it('reads the statistics block', () => {
    const s = parseStats(STATS);
    assert.equal(s.sent, 353912);
    assert.equal(s.completed, 353900);
    assert.equal(s.lost, 12);
    assert.deepEqual(s.rcodes, { NOERROR: 353800, SERVFAIL: 100 });
    assert.equal(s.runTimeSec, 2.011325);
    assert.equal(s.qps, 175959.628603);
    assert.ok(Math.abs(s.avgLatencyMs - 0.477) < 1e-9);
    assert.ok(Math.abs(s.maxLatencyMs - 11.691) < 1e-9);
  });

  it('throws when the block is missing', () => {
    assert.throws(() => parseStats('Error: could not open file'), /Queries sent/);
  });

  it('reads verbose latencies and their percentiles', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `> NOERROR h${i}.bench.test A 0.${String(i + 1).padStart(6, '0')}`);
    const ms = parseVerboseLatencies(`[Status] Sending queries\n${lines.join('\n')}\n[Timeout] Query timed out: msg id 7\n`);
    assert.equal(ms.length, 100);
    const p = percentiles(ms);
    assert.equal(p.samples, 100);
    assert.ok(Math.abs(p.p50 - 0.05) < 1e-9);
    assert.ok(Math.abs(p.p99 - 0.099) < 1e-9);
    assert.ok(Math.abs(p.max - 0.1) < 1e-9);
  });
});
