/**
 * `npm run bench:memory` (issue #3): resident memory of a full 1,000,000-entry cache. Starts fandns
 * with `cache-size=1000000`, fills it with 1,000,000 distinct names through dnsperf (`-n 1` over a
 * file of unique names, forwarded to the upstream dnsmasq), then reads VmRSS/VmHWM and asks the
 * server (SIGUSR1) how many entries it holds. The same file and procedure for dnsmasq.
 *
 *   node dist/bench/cache-memory.js [--names N] [--out DIR]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runDnsperf } from './dnsperf.js';
import { installHint, machineInfo, missingTools } from './machine.js';
import { freePort } from './ports.js';
import { memory, type Memory } from './proc-stat.js';
import { installCleanup, stop } from './procs.js';
import { describePlacement, isPinned, placeHere } from './placement.js';
import { writeUnique } from './query-files.js';
import { baseName } from './results.js';
import { ROOT, startServer, startUpstream, type Placement, type Running, type ServerKind } from './servers.js';

/** One server's numbers. */
interface MemoryResult {
  readonly server: ServerKind;
  readonly answered: number;
  readonly lost: number;
  readonly fillSec: number;
  /** Entries the server reports holding (fandns: SIGUSR1 stats; dnsmasq: insertions). */
  readonly entries: number | null;
  /** fandns only: bytes the cache store accounts for (keys + entries + fixed overhead per entry). */
  readonly storeBytes: number | null;
  readonly before: Memory;
  readonly after: Memory;
  /** (VmRSS after − VmRSS before) ÷ names answered, bytes. */
  readonly bytesPerName: number;
}

const say = (msg: string) => process.stderr.write(`[memory] ${msg}\n`);

/** What the server says it holds, from its log after SIGUSR1. */
async function reported(srv: Running): Promise<{ entries: number | null; storeBytes: number | null }> {
  process.kill(srv.proc.pid, 'SIGUSR1');
  await sleep(500);
  const log = readFileSync(srv.proc.logFile, 'utf8');
  const last = (re: RegExp) => {
    const m = [...log.matchAll(re)].at(-1);
    return m ? Number(m[1]) : null;
  };
  if (srv.kind === 'fandns') return { entries: last(/"entries":(\d+)/g), storeBytes: last(/"bytes":(\d+)/g) };
  // dnsmasq: "cache size 1000000, 0/1000001 cache insertions re-used unexpired cache entries."
  return { entries: last(/cache size \d+, \d+\/(\d+) cache insertions/g), storeBytes: null };
}

async function fill(kind: ServerKind, conf: string, confText: string, names: string, n: number, at: Placement): Promise<MemoryResult> {
  const port = await freePort();
  say(`${kind}: starting on port ${port}`);
  const srv = await startServer(kind, conf, confText, port, at, 'memory');
  try {
    await sleep(500);
    const before = memory(srv.proc.pid);
    say(`${kind}: VmRSS ${(before.rssKiB / 1024).toFixed(1)} MiB at start; sending ${n} distinct names`);
    const t0 = Date.now();
    const r = await runDnsperf({
      port, queryFile: names, seconds: 600, once: true, tcp: false, clients: 4, outstanding: 100,
      rate: null, verbose: false, cpu: at.loadCpu, logFile: join(at.workDir, `dnsperf-memory-${kind}.txt`),
    });
    const fillSec = (Date.now() - t0) / 1000;
    await sleep(1000);
    const { entries, storeBytes } = await reported(srv);
    const after = memory(srv.proc.pid);
    const bytesPerName = Math.round(((after.rssKiB - before.rssKiB) * 1024) / Math.max(1, r.stats.completed));
    say(`${kind}: ${r.stats.completed} answered, ${r.stats.lost} lost in ${fillSec.toFixed(1)} s; ${entries ?? '?'} entries; ` +
      `VmRSS ${(after.rssKiB / 1024).toFixed(1)} MiB, VmHWM ${(after.hwmKiB / 1024).toFixed(1)} MiB`);
    return { server: kind, answered: r.stats.completed, lost: r.stats.lost, fillSec, entries, storeBytes, before, after, bytesPerName };
  } finally {
    await stop(srv.proc);
  }
}

function table(rows: readonly MemoryResult[]): string {
  const mib = (k: number) => (k / 1024).toFixed(1);
  return [
    '| server | names answered | lost | entries held | store MiB (own count) | VmRSS at start MiB | VmRSS full MiB | VmHWM MiB | bytes per name (RSS growth) | fill time s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.server} | ${r.answered} | ${r.lost} | ${r.entries ?? '?'} | ${r.storeBytes === null ? '–' : mib(r.storeBytes / 1024)} | ` +
      `${mib(r.before.rssKiB)} | ${mib(r.after.rssKiB)} | ${mib(r.after.hwmKiB)} | ${r.bytesPerName} | ${r.fillSec.toFixed(1)} |`),
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const missing = missingTools();
  if (missing.length) {
    process.stderr.write(installHint(missing));
    return 2;
  }
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(arg('--names') ?? 1_000_000);
  const outDir = arg('--out') ?? join(ROOT, 'bench/results');
  const workDir = mkdtempSync(join(tmpdir(), 'fandns-memory-'));
  const at = placeHere(workDir, 900);
  installCleanup();
  let upstream: Running | null = null;
  try {
    const names = join(workDir, 'names.txt');
    await writeUnique(names, 'mem', n);
    upstream = await startUpstream(await freePort(), at, 1800);
    const confText = ['# fandns bench: cache memory (issue #3); same file for fandns and dnsmasq, only --port differs.',
      'no-resolv', 'no-hosts', 'bind-interfaces', 'listen-address=127.0.0.1', 'dns-forward-max=1000',
      'cache-size=1000000', `server=127.0.0.1#${upstream.port}`, ''].join('\n');
    const conf = join(workDir, 'memory.conf');
    writeFileSync(conf, confText);
    const rows = [await fill('fandns', conf, confText, names, n, at), await fill('dnsmasq', conf, confText, names, n, at)];
    const m = machineInfo(ROOT, isPinned(at), describePlacement(at));
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `${baseName(m, 'full')}_cache-memory.json`);
    writeFileSync(file, `${JSON.stringify({ machine: m, names: n, config: confText, results: rows }, null, 2)}\n`);
    process.stdout.write(`\n${n} distinct names, cache-size=1000000, ${m.node}, ${m.dnsmasq}\n\n${table(rows)}\n`);
    say(`results: ${file}`);
    return 0;
  } finally {
    if (upstream) await stop(upstream.proc);
    rmSync(workDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
