/**
 * The benchmark harness end to end: `node dist/bench/run.js --quick --scenarios hit` exits 0 and
 * writes a results file with numbers for fandns, dnsmasq and the echo floor, and `--rounds 2` runs
 * the servers alternately and adds the median ratios. Throughput is capped
 * at 20k q/s so the suite stays gentle on shared cores. Skipped when dnsperf or dnsmasq is
 * missing, so `npm test` passes on a fresh machine.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptCommand, missingTools } from '../../bench/machine.js';

const runJs = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
const missing = missingTools();
const skip = missing.length ? `needs ${missing.map((t) => t.cmd).join(', ')} (${aptCommand(missing)})` : false;

describe('bench harness, quick mode', () => {
  it('runs the hit scenario and writes results', { skip, timeout: 30_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'fandns-bench-test-'));
    try {
      const r = spawnSync(process.execPath, [runJs, '--quick', '--scenarios', 'hit', '--max-qps', '20000', '--out', out], { encoding: 'utf8', timeout: 25_000 });
      assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr.slice(-2000)}`);
      assert.match(r.stdout, /\| cache hit \(UDP\) \| fandns \|/);
      assert.match(r.stdout, /\| hit CPU\/q at the fixed rate ≤ 1\.10× the Node echo floor \| \d+\.\d\d× \|/);
      const json = readdirSync(out).filter((f) => f.endsWith('_quick.json'));
      assert.equal(json.length, 1, `results in ${out}: ${readdirSync(out).join(', ')}`);
      assert.ok(readdirSync(out).some((f) => f.endsWith('.svg')));
      const rec = JSON.parse(readFileSync(join(out, json[0]!), 'utf8')) as {
        scenarios: {
          id: string;
          runs: { server: string; status: string; result?: { throughput: { completed: number; qps: number }; latency: { rate: number } } }[];
        }[];
      };
      const hit = rec.scenarios.find((s) => s.id === 'hit');
      // dnsmasq runs first: half of its measured capacity is every server's latency rate.
      assert.deepEqual(hit?.runs.map((x) => [x.server, x.status]), [['dnsmasq', 'ok'], ['fandns', 'ok'], ['echo', 'ok']]);
      for (const run of hit!.runs) assert.ok(run.result!.throughput.completed > 0, `${run.server} answered nothing`);
      const [masq, ...others] = hit!.runs.map((x) => x.result!);
      assert.equal(masq!.latency.rate, Math.round(masq!.throughput.qps / 2));
      for (const o of others) assert.equal(o.latency.rate, masq!.latency.rate);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('runs a scenario in rounds, alternating the servers, and adds the median ratios', { skip, timeout: 60_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'fandns-bench-test-'));
    try {
      const args = [runJs, '--quick', '--scenarios', 'hit', '--servers', 'fandns,dnsmasq', '--rounds', '2', '--max-qps', '20000', '--out', out];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 55_000 });
      assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr.slice(-2000)}`);
      assert.match(r.stdout, /\| cache hit \(UDP\), round 1\/2 \| dnsmasq \|/);
      assert.match(r.stdout, /\| cache hit \(UDP\), round 2\/2 \| fandns \|/);
      assert.match(r.stdout, /median of the rounds/);
      assert.match(r.stdout, /\| cache hit \(UDP\) \| 2 \| \d/);
      // dnsmasq, fandns, dnsmasq, fandns: the order the progress lines report.
      const starts = [...r.stderr.matchAll(/\[hit (\d)\/2\] (\w+): starting/g)].map((m) => `${m[2]} ${m[1]}`);
      assert.deepEqual(starts, ['dnsmasq 1', 'fandns 1', 'dnsmasq 2', 'fandns 2']);
      const json = readdirSync(out).find((f) => f.endsWith('_quick.json'))!;
      const rec = JSON.parse(readFileSync(join(out, json), 'utf8')) as { scenarios: { id: string; round: number; rounds: number; ratio: unknown }[] };
      assert.deepEqual(rec.scenarios.map((s) => [s.id, s.round, s.rounds]), [['hit', 1, 2], ['hit', 2, 2]]);
      for (const s of rec.scenarios) assert.ok(s.ratio, 'each round has its own ratios');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
