/**
 * Measures one server in one scenario: warm-up, a throughput run (server CPU and per-core use
 * read from /proc around it), then a fixed-rate run recording each query's latency, then the
 * server's peak resident memory.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repeatOnTcpRace, runDnsperf, type LoadResult, type LoadSpec } from './dnsperf.js';
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

/**
 * The fixed-rate run. Its CPU per query is the fairer comparison between servers: on this kind of
 * VM the kernel's wake-up cost per packet falls as the load rises, so CPU per query at each
 * server's own maximum favours the faster server.
 */
export interface LatencyRun {
  readonly rate: number;
  readonly stats: DnsperfStats;
  readonly percentiles: Percentiles;
  readonly cpu: CpuUse;
}

/** Everything measured for one server in one scenario. */
export interface Measured {
  /** Phases repeated after dnsperf's TCP receive race. */
  readonly retries: number;
  /** Queries answered in the warm-up (with the two runs: every query the server saw, bar probes). */
  readonly warmCompleted: number;
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

/** Wait after a run before reading CPU: dnsmasq's TCP children count only once reaped. */
const SETTLE_MS = 300;

/** Runs `load` and reads the server's CPU time and the cores' use around it. */
async function withCpu(pid: number, load: () => Promise<LoadResult>): Promise<{ r: LoadResult; cpu: CpuUse; cores: CoreUse[] }> {
  const c0 = cpuTime(pid);
  const k0 = coreTicks();
  const r = await load();
  const k1 = coreTicks();
  await sleep(SETTLE_MS);
  const c1 = cpuTime(pid);
  const user = c1.user - c0.user;
  const system = c1.system - c0.system;
  const n = r.stats.completed || 1;
  const cpu: CpuUse = {
    userSec: round(user), systemSec: round(system),
    usPerQuery: round(((user + system) * 1e6) / n), userUsPerQuery: round((user * 1e6) / n), systemUsPerQuery: round((system * 1e6) / n),
  };
  return { r, cpu, cores: coreUse(k0, k1) };
}

/**
 * The rate of the latency phase: half of dnsmasq's measured capacity in this scenario (the issue's
 * "p99 at half of dnsmasq's capacity"), the same for every server; dnsmasq itself runs first and
 * uses half of its own throughput. Without a dnsmasq figure (it failed, or was not selected): the
 * scenario's fixed rate.
 */
function latencyRate(srv: Running, s: Scenario, p: Profile, ownQps: number, dnsmasqRate: number | null): number {
  if (dnsmasqRate !== null) return dnsmasqRate;
  if (srv.kind === 'dnsmasq' && ownQps > 0) return Math.max(1, Math.round(ownQps / 2));
  return Math.max(1, Math.round(s.latencyRate / p.rateDivisor));
}

/**
 * Runs the phases against `srv`; `files` maps query-set ids to paths; `dnsmasqRate` is the latency
 * rate dnsmasq used in this scenario, when it ran first.
 */
export async function measure(
  srv: Running, s: Scenario, p: Profile, at: Placement, files: Readonly<Record<string, string>>, say: Say,
  dnsmasqRate: number | null = null,
): Promise<Measured> {
  const spec = (q: QuerySet, seconds: number, rate: number | null, verbose: boolean): LoadSpec => ({
    port: srv.port, queryFile: files[q.file]!, seconds, once: !q.loop, tcp: s.tcp,
    clients: p.clients, outstanding: p.outstanding, rate, verbose, cpu: at.loadCpu,
    logFile: join(at.workDir, `dnsperf-${++runNo}-${s.id}-${srv.kind}.txt`),
  });
  let retries = 0;
  const again = <T>(run: () => Promise<T>): Promise<T> => (s.tcp ? repeatOnTcpRace(run, () => {
    retries++;
    say('dnsperf exited on its TCP receive race; running that phase again');
  }) : run());
  say(`warm-up ${p.warmSec} s`);
  const warm = await again(() => runDnsperf(spec(s.warm, p.warmSec, null, false)));

  say(`throughput ${p.loadSec} s`);
  const load = await again(() => withCpu(srv.proc.pid, () => runDnsperf(spec(s.load, p.loadSec, p.maxQps, false))));
  say(`  ${Math.round(load.r.stats.qps)} q/s, ${load.r.stats.lost} lost, ${load.cpu.usPerQuery} µs CPU/q`);

  const rate = latencyRate(srv, s, p, load.r.stats.qps, dnsmasqRate);
  say(`latency at ${rate} q/s, ${p.latencySec} s`);
  const lat = await again(() => withCpu(srv.proc.pid, () => runDnsperf(spec(s.latency, p.latencySec, rate, true))));
  const pct = lat.r.latency!;
  say(`  p50 ${round(pct.p50, 3)} ms, p99 ${round(pct.p99, 3)} ms, ${lat.cpu.usPerQuery} µs CPU/q`);
  return {
    retries,
    warmCompleted: warm.stats.completed,
    throughput: load.r.stats,
    cpu: load.cpu,
    cores: load.cores,
    latency: { rate, stats: lat.r.stats, percentiles: pct, cpu: lat.cpu },
    memory: memory(srv.proc.pid),
  };
}
