/** Writing a run's results: JSON, the markdown tables and the SVG chart, under one base name. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';
import type { Profile } from './profile.js';
import { chartSvg } from './report-svg.js';
import { ratioTable, resultsTable } from './report-table.js';
import { roundsTable, summariseRounds } from './rounds.js';
import { targetsTable } from './targets.js';
import type { ScenarioResult } from './scenario-run.js';

/** Everything a run writes to JSON. */
export interface RunRecord {
  readonly machine: MachineInfo;
  readonly profile: Profile;
  readonly placement: string;
  readonly scenarios: readonly ScenarioResult[];
}

/** `<date>_<sha>_node<version>[_quick]`: sortable, and says what was measured. */
export function baseName(m: MachineInfo, profile: string): string {
  const date = m.date.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `${date}_${m.gitSha}${m.gitDirty ? '-dirty' : ''}_node${m.node.replace(/^v/, '')}${profile === 'quick' ? '_quick' : ''}`;
}

/** The markdown report (also printed at the end of a run). */
export function markdown(r: RunRecord): string {
  const m = r.machine;
  return [
    `### fandns vs dnsmasq — ${r.profile.name} run, ${m.date}`,
    '',
    `fandns ${m.gitSha}${m.gitDirty ? ' (uncommitted changes)' : ''}, node ${m.node}, ${m.dnsmasq}, ${m.dnsperf}; ` +
      `${m.nproc} × ${m.cpuModel}, kernel ${m.kernel}. ${r.placement}`,
    '',
    resultsTable(r.scenarios),
    '',
    'fandns ÷ dnsmasq:',
    '',
    ratioTable(r.scenarios),
    '',
    ...(r.scenarios.some((s) => s.rounds > 1)
      ? ['fandns ÷ dnsmasq, median of the rounds [lowest – highest]:', '', roundsTable(summariseRounds(r.scenarios)), '']
      : []),
    'Against the speed targets of the bench issue (1,000,000 cached entries: `npm run bench:memory`):',
    '',
    targetsTable(r.scenarios),
    '',
  ].join('\n');
}

/** Writes `<base>.json`, `<base>.md` and `<base>.svg` into `dir`; returns the JSON path. */
export function writeResults(dir: string, r: RunRecord): string {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, baseName(r.machine, r.profile.name));
  writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown(r));
  writeFileSync(`${base}.svg`, chartSvg(r.scenarios, r.machine, r.profile.name));
  return `${base}.json`;
}
