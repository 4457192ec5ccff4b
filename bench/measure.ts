/**
 * Measures one server in one scenario: warm-up, a throughput run (server CPU and per-core use
 * read from /proc around it), then a fixed-rate run recording each query's latency, then the
 * server's peak resident memory.
 */
import { join } from 'node:path';
import { runDnsperf, type LoadSpec } from './dnsperf.js';
import type { DnsperfStats, Percentiles } from './dnsperf-parse.js';
import { coreTicks, coreUse, cpuTime, memory, type CoreUse, type Memory } from './proc-stat.js';
import type { Profile } from './profile.js';
import type { QuerySet, Scenario } from './scenarios.js';
import type { Placement, Running } from './servers.js';

/** Server CPU over the throughput run. */
export interface CpuUse {
  readonly userSec: number;
  readonly systemSec: number;
  /** (user + system) µs per answered query. */
  readonly usPerQuery: number;
  readonly userUsPerQuery: number;
  readonly systemUsPerQuery: number;
}

/** The fixed-rate run. */
export interface LatencyRun {
  readonly rate: number;
  readonly stats: DnsperfStats;
  readonly percentiles: Percentiles;
}

/** Everything measured for one server in one scenario. */
export interface Measured {
  readonly throughput: DnsperfStats;
  readonly cpu: CpuUse;
  /** Busy/steal per core during the throughput run (index = core). */
  readonly cores: readonly CoreUse[];
  readonly latency: LatencyRun;
  readonly memory: Memory;
}

/** Progress callback. */
export type Say = (msg: string) => void;

let runNo = 0;

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs the phases against `srv`; `files` maps query-set ids to paths. */
export async function measure(
  srv: Running, s: Scenario, p: Profile, at: Placement, files: Readonly<Record<string, string>>, say: Say,
): Promise<Measured> {
  const spec = (q: QuerySet, seconds: number, rate: number | null, verbose: boolean): LoadSpec => ({
    port: srv.port, queryFile: files[q.file]!, seconds, once: !q.loop, tcp: s.tcp,
    clients: p.clients, outstanding: p.outstanding, rate, verbose, cpu: at.loadCpu,
    logFile: join(at.workDir, `dnsperf-${++runNo}-${s.id}-${srv.kind}.txt`),
  });
  say(`warm-up ${p.warmSec} s`);
  await runDnsperf(spec(s.warm, p.warmSec, null, false));

  say(`throughput ${p.loadSec} s`);
  const c0 = cpuTime(srv.proc.pid);
  const k0 = coreTicks();
  const load = await runDnsperf(spec(s.load, p.loadSec, null, false));
  const k1 = coreTicks();
  const c1 = cpuTime(srv.proc.pid);
  const user = c1.user - c0.user;
  const system = c1.system - c0.system;
  const n = load.stats.completed || 1;
  const cpu: CpuUse = {
    userSec: round(user), systemSec: round(system),
    usPerQuery: round(((user + system) * 1e6) / n), userUsPerQuery: round((user * 1e6) / n), systemUsPerQuery: round((system * 1e6) / n),
  };
  say(`  ${Math.round(load.stats.qps)} q/s, ${load.stats.lost} lost, ${cpu.usPerQuery} µs CPU/q`);

  const rate = Math.max(1, Math.round(s.latencyRate / p.rateDivisor));
  say(`latency at ${rate} q/s, ${p.latencySec} s`);
  const lat = await runDnsperf(spec(s.latency, p.latencySec, rate, true));
  const pct = lat.latency!;
  say(`  p50 ${round(pct.p50, 3)} ms, p99 ${round(pct.p99, 3)} ms`);
  return {
    throughput: load.stats,
    cpu,
    cores: coreUse(k0, k1),
    latency: { rate, stats: lat.stats, percentiles: pct },
    memory: memory(srv.proc.pid),
  };
}
