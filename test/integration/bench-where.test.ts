/**
 * `node dist/bench/where.js` end to end: profiles the echo floor and fandns at a fixed 20k q/s
 * under `perf record` and prints where their CPU per query goes. Skipped when dnsperf, dnsmasq or
 * perf is missing, or when this user may not profile (kernel.perf_event_paranoid), so `npm test`
 * passes on a fresh machine; `.ci/run` installs all three.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptCommand, hasCommand, missingTools } from '../../bench/machine.js';

const whereJs = fileURLToPath(new URL('../../bench/where.js', import.meta.url));

/** Why perf cannot be used here, or false. */
function perfUnusable(): string | false {
  if (!hasCommand('perf')) return 'needs perf (apt-get install linux-perf)';
  const paranoid = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'latin1').trim());
  if (process.getuid?.() !== 0 && paranoid > 1) return `kernel.perf_event_paranoid is ${paranoid}: profiling another process's kernel time needs root or 1`;
  const dir = mkdtempSync(join(tmpdir(), 'fandns-perf-probe-'));
  try {
    const r = spawnSync('perf', ['record', '-q', '-o', join(dir, 'probe.data'), '--', 'true'], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? false : `perf record is not permitted here: ${(r.stderr || '').trim().split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The perf map files in /tmp (`perf-PID.map`, written by Node under --perf-basic-prof). */
const perfMaps = () => new Set(readdirSync('/tmp').filter((f) => /^perf-\d+\.map$/.test(f)));

const missing = missingTools();
const skip = missing.length ? `needs ${missing.map((t) => t.cmd).join(', ')} (${aptCommand(missing)})` : perfUnusable();

describe('bench:where', () => {
  it('profiles the echo floor and fandns and splits their CPU per query', { skip, timeout: 60_000 }, (t) => {
    const cwd = mkdtempSync(join(tmpdir(), 'fandns-where-cwd-'));
    t.after(() => rmSync(cwd, { recursive: true, force: true }));
    const mapsBefore = perfMaps();
    const r = spawnSync(process.execPath, [whereJs, '--scenario', 'hit', '--rate', '20000', '--seconds', '2', '--top', '3'], {
      encoding: 'utf8', timeout: 55_000, cwd,
    });
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr.slice(-2000)}`);
    // It leaves nothing behind: no V8 log in the directory it ran from, no perf map in /tmp.
    assert.deepEqual(readdirSync(cwd), []);
    assert.deepEqual([...perfMaps()].filter((f) => !mapsBefore.has(f)), []);
    assert.match(r.stdout, /^## cache hit \(UDP\) at 20000 q\/s$/m);
    assert.match(r.stdout, /^\| µs per query \| echo \| fandns \| fandns − echo \|$/m);
    const total = /^\| \*\*total\*\* \(CPU time ÷ queries answered\) \| \*\*(\d+\.\d\d)\*\* \| \*\*(\d+\.\d\d)\*\* \| \*\*[+-]\d+\.\d\d\*\* \|$/m.exec(r.stdout);
    assert.ok(total, r.stdout);
    assert.ok(Number(total[1]) > 0 && Number(total[2]) > 0, r.stdout);
    // Both servers answered at the rate (dnsperf's own pacing may fall short on a busy machine: not below
    // half of it), and perf took samples of each.
    const counts = /^\| answered q\/s, samples \| (\d+), (\d+) \| (\d+), (\d+) \|/m.exec(r.stdout);
    assert.ok(counts, r.stdout);
    for (const qps of [counts[1], counts[3]]) assert.ok(Number(qps) > 10_000 && Number(qps) < 21_000, r.stdout);
    for (const n of [counts[2], counts[4]]) assert.ok(Number(n) > 0, r.stdout);
    // The kernel's part is there for both, and fandns's own functions are named by file and line.
    assert.match(r.stdout, /^\| none\/kernel: kernel, no JavaScript/m);
    assert.match(r.stdout, /^- \d+\.\d{3} \S+ src\/[\w/-]+\.js:\d+$/m);
  });
});
