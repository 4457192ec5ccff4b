/**
 * `npm run bench:where -- --scenario hit`: where a query's CPU goes, fandns beside its Node floor.
 * Each server runs pinned (as in `npm run bench`) at one fixed rate while `perf record -g` samples
 * it; its CPU time over the window ÷ the queries answered gives µs per query, and the samples split
 * that by who ran (fandns's JavaScript, Node's, none) and where (JavaScript, native, kernel). The
 * floors are the harness's: the echo server for hits, the relay for misses. Needs perf (Debian:
 * linux-perf) and permission to profile the server (root, or kernel.perf_event_paranoid ≤ 1).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { runDnsperf } from './dnsperf.js';
import { hasCommand, installHint, missingTools } from './machine.js';
import { breakdown } from './perf-samples.js';
import { freePort } from './ports.js';
import { cpuTime } from './proc-stat.js';
import { installCleanup, start, stop } from './procs.js';
import { placeHere } from './placement.js';
import { FULL } from './profile.js';
import { uniqueNames, writeQuerySets } from './query-sets.js';
import { selectScenarios, type Scenario } from './scenarios.js';
import { startServer, startUpstream, type Placement, type Running, type ServerKind } from './servers.js';
import { parseWhereOptions, WHERE_USAGE, type WhereOptions } from './where-options.js';
import { whereReport, type Profiled } from './where-report.js';

const say = (msg: string) => process.stderr.write(`${msg}\n`);

/** Profiles one server: warm-up, then `perf record` inside a fixed-rate dnsperf run. */
async function profileOne(kind: ServerKind, s: Scenario, o: WhereOptions, at: Placement, conf: string, confText: string,
  files: Readonly<Record<string, string>>, upstreamPort: number): Promise<Profiled> {
  const port = await freePort();
  const srv: Running = await startServer(kind, conf, confText, port, at, `where-${s.id}`, upstreamPort, ['--perf-basic-prof']);
  const load = (q: Scenario['warm'], seconds: number, rate: number | null, tag: string) => runDnsperf({
    port, queryFile: files[q.file]!, seconds, once: !q.loop, tcp: s.tcp, clients: FULL.clients, outstanding: FULL.outstanding,
    rate, verbose: false, cpu: at.loadCpu, logFile: join(at.workDir, `dnsperf-${kind}-${tag}.txt`),
  });
  try {
    say(`${kind}: warm-up ${FULL.warmSec} s`);
    await load(s.warm, FULL.warmSec, null, 'warm');
    say(`${kind}: ${o.rate} q/s, perf record for ${o.seconds} s`);
    const run = load(s.latency, o.seconds + 3, o.rate, 'rate');
    await sleep(1000);
    const data = join(at.workDir, `perf-${kind}.data`);
    const c0 = cpuTime(srv.proc.pid);
    const t0 = performance.now();
    const rec = await start({
      name: 'perf', argv: ['perf', 'record', '-g', '-F', '999', '-p', String(srv.proc.pid), '-o', data, '--', 'sleep', String(o.seconds)],
      cpu: at.loadCpu, limitSec: o.seconds + 30, logFile: join(at.workDir, `perf-${kind}.log`),
    });
    const code = await rec.exited;
    const wallSec = (performance.now() - t0) / 1000;
    const c1 = cpuTime(srv.proc.pid);
    const r = await run;
    if (code !== 0) throw new Error(`perf record exited with ${code}: see ${rec.logFile} (run as root, or lower kernel.perf_event_paranoid)`);
    const cpuSec = c1.user - c0.user + c1.system - c0.system;
    const text = execFileSync('perf', ['script', '-i', data], { encoding: 'latin1', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    if (o.keepSamples !== null) {
      mkdirSync(o.keepSamples, { recursive: true });
      writeFileSync(join(o.keepSamples, `perf-${kind}.txt`), text, 'latin1');
      say(`${kind}: samples in ${join(o.keepSamples, `perf-${kind}.txt`)}`);
    }
    return { kind, qps: r.stats.qps, cpuUsPerQuery: (cpuSec * 1e6) / Math.max(1, r.stats.qps * wallSec), samples: breakdown(text) };
  } finally {
    await stop(srv.proc);
    rmSync(`/tmp/perf-${srv.proc.pid}.map`, { force: true }); // written by --perf-basic-prof, read by perf script
  }
}

async function main(o: WhereOptions): Promise<number> {
  const missing = missingTools();
  if (missing.length || !hasCommand('perf')) {
    process.stderr.write(missing.length ? installHint(missing) : 'bench:where needs perf (Debian: sudo apt-get install linux-perf)\n');
    return 2;
  }
  const s = selectScenarios([o.scenario])[0]!;
  const kinds: readonly ServerKind[] = o.servers ?? [...(s.floor ? [s.floor] : []), 'fandns'];
  const workDir = mkdtempSync(join(tmpdir(), 'fandns-where-'));
  const at = placeHere(workDir, 120);
  installCleanup();
  const upstreams: Running[] = [];
  try {
    const files = await writeQuerySets(workDir, FULL, [s]);
    for (let i = 0; i < s.upstreams; i++) upstreams.push(await startUpstream(await freePort(), at, 120 * (kinds.length + 1), i));
    const ctx = { upstreamPorts: upstreams.map((u) => u.port), workDir, uniqueNames: uniqueNames(FULL) };
    const confText = `${s.config(ctx).join('\n')}\n`;
    const conf = join(workDir, `${s.id}.conf`);
    writeFileSync(conf, confText);
    const runs: Profiled[] = [];
    for (const kind of kinds) runs.push(await profileOne(kind, s, o, at, conf, confText, files, upstreams[0]!.port));
    process.stdout.write(whereReport(s, o.rate, runs, o.top));
    return 0;
  } finally {
    for (const u of upstreams) await stop(u.proc);
    rmSync(workDir, { recursive: true, force: true });
  }
}

let opts: WhereOptions;
try {
  opts = parseWhereOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench:where: ${(err as Error).message}\n${WHERE_USAGE}`);
  process.exit(2);
}
if (opts.help) process.stdout.write(WHERE_USAGE);
else {
  main(opts).then((code) => process.exit(code), (err: unknown) => {
    process.stderr.write(`bench:where: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
