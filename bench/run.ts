/**
 * `npm run bench`: fandns against dnsmasq with dnsperf, scenario by scenario, on the same config
 * file. The servers run on core 0, dnsperf and the upstream dnsmasq on core 1 (when the machine has
 * two cores and taskset). Prints progress and a markdown table; writes JSON, markdown and an SVG
 * chart under bench/results/. See bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installHint, machineInfo, missingTools } from './machine.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { freePort } from './ports.js';
import { installCleanup, stop } from './procs.js';
import { describePlacement, isPinned, placeHere } from './placement.js';
import { FULL, QUICK, type Profile } from './profile.js';
import { uniqueNames, writeQuerySets } from './query-sets.js';
import { markdown, writeResults } from './results.js';
import { runScenario, type ScenarioResult } from './scenario-run.js';
import { selectScenarios } from './scenarios.js';
import { ROOT, startUpstream, type Running } from './servers.js';

const t0 = Date.now();
const say = (msg: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);

/** Longest a single server process may live, from the profile's phase lengths. */
function serverLimitSec(p: Profile): number {
  return Math.ceil(p.warmSec + p.loadSec + p.latencySec + 3 * (2 + 5) + 30);
}

async function main(o: BenchOptions): Promise<number> {
  const missing = missingTools();
  if (missing.length) {
    process.stderr.write(installHint(missing));
    return 2;
  }
  const p: Profile = { ...(o.quick ? QUICK : FULL), maxQps: o.maxQps };
  const scenarios = selectScenarios(o.scenarios);
  const workDir = mkdtempSync(join(tmpdir(), 'fandns-bench-'));
  const limitSec = serverLimitSec(p);
  const at = placeHere(workDir, limitSec);
  const placement = describePlacement(at);
  installCleanup();
  const upstreams: Running[] = [];
  try {
    say(`${p.name} run of ${scenarios.map((s) => s.id).join(', ')}${o.rounds > 1 ? `, ${o.rounds} rounds each` : ''}; work directory ${workDir}`);
    say(placement);
    const files = await writeQuerySets(workDir, p, scenarios);
    const nUp = Math.max(...scenarios.map((s) => s.upstreams));
    for (let i = 0; i < nUp; i++) {
      upstreams.push(await startUpstream(await freePort(), at, limitSec * 3 * scenarios.length * o.rounds + 60, i));
    }
    say(`upstream dnsmasq on port(s) ${upstreams.map((u) => u.port).join(', ')}`);
    const ctx = { upstreamPorts: upstreams.map((u) => u.port), workDir, uniqueNames: uniqueNames(p) };
    const results: ScenarioResult[] = [];
    // A scenario's rounds follow each other, so its servers alternate: dnsmasq, fandns, floor, dnsmasq, …
    for (const s of scenarios) {
      for (let round = 1; round <= o.rounds; round++) results.push(await runScenario(s, p, at, ctx, files, o.servers, say, { round, rounds: o.rounds }));
    }
    const record = { machine: machineInfo(ROOT, isPinned(at), placement), profile: p, placement, scenarios: results };
    const file = writeResults(o.out ?? join(ROOT, 'bench/results'), record);
    process.stdout.write(`\n${markdown(record)}\n`);
    say(`results: ${file} (+ .md, .svg)`);
    return results.some((r) => r.runs.some((x) => x.status === 'failed')) ? 1 : 0;
  } finally {
    for (const u of upstreams) await stop(u.proc);
    if (o.keep) say(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

let opts: BenchOptions;
try {
  opts = parseOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(USAGE);
} else {
  main(opts).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
