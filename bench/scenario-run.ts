/**
 * Runs one scenario: writes its config file, then for each server (fandns, dnsmasq, and the echo or
 * relay floor where asked) starts it pinned, measures it and stops it. A failure of one server is
 * recorded and the others still run; a fandns option that is not implemented yet makes that run
 * "not available yet".
 */
import { closeSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findDirective } from '../src/config/directives.js';
import { measure, type Measured, type Say } from './measure.js';
import { freePort } from './ports.js';
import { probe } from './probe.js';
import { stop } from './procs.js';
import type { Profile } from './profile.js';
import type { ConfigContext, Scenario } from './scenarios.js';
import { startServer, type Placement, type ServerKind } from './servers.js';

/** One query of the load file asked once after start-up: what the server answers. */
export interface Sample {
  readonly query: string;
  readonly rcode: number | null;
  readonly answers: number | null;
}

/** The outcome for one server. */
export type ServerRun =
  | { readonly server: ServerKind; readonly status: 'ok'; readonly result: Measured; readonly sample: Sample; readonly notes: readonly string[] }
  | { readonly server: ServerKind; readonly status: 'not available yet' | 'failed'; readonly reason: string };

/** fandns ÷ dnsmasq for the headline numbers. */
export interface Ratios {
  readonly qps: number;
  /** CPU per query at each server's own maximum throughput. */
  readonly cpuPerQuery: number;
  /** CPU per query at the same rate, half of dnsmasq's capacity (the fairer one). */
  readonly cpuPerQueryFixed: number;
  readonly p99: number;
  /** fandns's p99 minus dnsmasq's, ms, at the same rate (the target: at most +1 ms). */
  readonly p99DeltaMs: number;
  readonly peakRss: number;
}

/** One scenario's results (one round of it). */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** Which round this is (1-based), of how many (`--rounds`). */
  readonly round: number;
  readonly rounds: number;
  readonly note: string;
  readonly config: string;
  readonly runs: readonly ServerRun[];
  readonly ratio: Ratios | null;
}

/** How a result is labelled in tables and charts: its title, and its round when there are several. */
export function resultLabel(s: Pick<ScenarioResult, 'title' | 'round' | 'rounds'>): string {
  return s.rounds > 1 ? `${s.title}, round ${s.round}/${s.rounds}` : s.title;
}

/** Asks the first query of `file` (`name TYPE`, A or AAAA) once. */
async function sampleQuery(port: number, file: string): Promise<Sample> {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(256);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const [name = '', type = 'A'] = head.toString('latin1', 0, n).split('\n', 1)[0]!.split(/\s+/);
  const r = await probe(port, name, 1000, type === 'AAAA' ? 28 : 1);
  return { query: `${name} ${type}`, rcode: r?.rcode ?? null, answers: r?.answers ?? null };
}

/**
 * Lines and size of the query log a `log` scenario wrote (over the server's whole life: warm-up,
 * throughput and latency runs), for the notes; then removes it (it can reach 100 MB).
 */
function takeQueryLog(workDir: string, answered: number): string | null {
  const path = join(workDir, 'query.log');
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch {
    return null;
  }
  rmSync(path, { force: true });
  let lines = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) lines++;
  return `query log ${lines} lines for ${answered} answers, ${(text.length / 1024 / 1024).toFixed(1)} MB`;
}

/** fandns options the scenario needs that this build does not implement. */
export function missingFeatures(s: Scenario): string[] {
  return s.needs.filter((d) => findDirective(d) === undefined);
}

/** dnsmasq options in every bench config that fandns may ignore without changing the result. */
const HARMLESS = new Set(['no-hosts', 'bind-interfaces']);

/**
 * Notes worth reading next to the numbers: other ignored options, answers that are not NOERROR, a
 * saturated load or upstream core (the number is then dnsperf's or the upstream's limit, not the server's), steal time, and how
 * much of the server's core other processes took (a shared machine).
 */
function notesFor(m: Measured, log: string, at: Placement, maxQps: number | null): string[] {
  const notes: string[] = [];
  const loadCpu = at.loadCpu;
  const core = at.serverCpu === null ? undefined : m.cores[at.serverCpu];
  const own = (100 * (m.cpu.userSec + m.cpu.systemSec)) / Math.max(0.001, m.throughput.runTimeSec);
  if (core && core.busyPct - own >= 10) notes.push(`others used ~${Math.round(core.busyPct - own)}% of the server core`);
  const load = loadCpu === null ? undefined : m.cores[loadCpu];
  const capped = maxQps !== null && m.throughput.qps >= 0.95 * maxQps; // dnsperf -Q spins: busy, not bound
  if (capped) notes.push(`capped at ${maxQps} q/s`);
  else if (load && load.busyPct >= 95) notes.push(`load core ${load.busyPct}% busy (client-bound)`);
  for (const cpu of at.upstreamCpus) {
    const up = cpu === loadCpu ? undefined : m.cores[cpu];
    if (up && up.busyPct >= 95) notes.push(`upstream core ${cpu} ${up.busyPct}% busy (upstream-bound)`);
  }
  const steal = Math.max(0, ...m.cores.map((c) => c.stealPct));
  if (steal >= 5) notes.push(`steal ${steal}%`);
  for (const w of log.matchAll(/\\?"([a-z-]+)\\?" is a dnsmasq option that fandns does not implement/g)) {
    if (!HARMLESS.has(w[1]!)) notes.push(`fandns ignored ${w[1]}`);
  }
  if (m.retries > 0) notes.push(`${m.retries} phase(s) repeated after dnsperf's TCP receive race`);
  const ok = m.throughput.rcodes['NOERROR'] ?? 0;
  if (ok < m.throughput.completed * 0.99) notes.push(`answers: ${JSON.stringify(m.throughput.rcodes)}`);
  return notes;
}

const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? Math.round((a / b) * 100) / 100 : NaN);

function ratios(runs: readonly ServerRun[]): Ratios | null {
  const f = runs.find((r) => r.server === 'fandns');
  const d = runs.find((r) => r.server === 'dnsmasq');
  if (f?.status !== 'ok' || d?.status !== 'ok') return null;
  const [a, b] = [f.result, d.result];
  return {
    qps: ratio(a.throughput.qps, b.throughput.qps),
    cpuPerQuery: ratio(a.cpu.usPerQuery, b.cpu.usPerQuery),
    cpuPerQueryFixed: ratio(a.latency.cpu.usPerQuery, b.latency.cpu.usPerQuery),
    p99: ratio(a.latency.percentiles.p99, b.latency.percentiles.p99),
    p99DeltaMs: a.latency.percentiles.p99 - b.latency.percentiles.p99,
    peakRss: ratio(a.memory.hwmKiB, b.memory.hwmKiB),
  };
}

/** Which round of how many a call of runScenario is. */
export interface Round {
  readonly round: number;
  readonly rounds: number;
}

/** Runs scenario `s` on `servers` (null: all it has); `say` reports progress. */
export async function runScenario(
  s: Scenario, p: Profile, at: Placement, ctx: ConfigContext, files: Readonly<Record<string, string>>,
  servers: readonly string[] | null, say: Say, round: Round = { round: 1, rounds: 1 },
): Promise<ScenarioResult> {
  const confText = `${s.config(ctx).join('\n')}\n`;
  const conf = join(at.workDir, `${s.id}.conf`);
  writeFileSync(conf, confText);
  // dnsmasq first: half of its capacity is everyone's latency rate.
  const kinds = (['dnsmasq', 'fandns', ...(s.floor ? [s.floor] : [])] as ServerKind[])
    .filter((k) => servers === null || servers.includes(k));
  const runs: ServerRun[] = [];
  let dnsmasqRate: number | null = null;
  for (const kind of kinds) {
    const tag = round.rounds > 1 ? `${s.id} ${round.round}/${round.rounds}` : s.id;
    const tell: Say = (m) => say(`[${tag}] ${kind}: ${m}`);
    const missing = kind === 'fandns' ? missingFeatures(s) : [];
    if (missing.length) {
      tell(`not available yet (fandns does not implement ${missing.join(', ')})`);
      runs.push({ server: kind, status: 'not available yet', reason: `fandns does not implement ${missing.join(', ')} yet` });
      continue;
    }
    try {
      const port = await freePort();
      tell(`starting on port ${port}`);
      const srv = await startServer(kind, conf, confText, port, at, s.id, ctx.upstreamPorts[0]);
      try {
        const sample = await sampleQuery(port, files[s.load.file]!);
        const result = await measure(srv, s, p, at, files, tell, dnsmasqRate);
        if (kind === 'dnsmasq') dnsmasqRate = result.latency.rate;
        const notes = notesFor(result, readFileSync(srv.proc.logFile, 'utf8'), at, p.maxQps);
        if (s.showSample) notes.unshift(`${sample.query}: ${sample.answers ?? '?'} answer record(s)`);
        runs.push({ server: kind, status: 'ok', result, sample, notes });
        await stop(srv.proc);
        const log = takeQueryLog(at.workDir, result.warmCompleted + result.throughput.completed + result.latency.stats.completed);
        if (log) notes.push(log);
      } finally {
        await stop(srv.proc);
        takeQueryLog(at.workDir, 0);
      }
    } catch (err) {
      tell(`FAILED: ${(err as Error).message}`);
      runs.push({ server: kind, status: 'failed', reason: (err as Error).message });
    }
  }
  return { id: s.id, title: s.title, ...round, note: s.note, config: confText, runs, ratio: ratios(runs) };
}
