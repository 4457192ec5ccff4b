/** The report of `npm run bench:where`: µs per query by class for each server, and fandns's functions. */
import { CLASS_ROWS, perQuery, topFunctions, type SampleBreakdown } from './perf-samples.js';
import { fixed, signed } from './report-table.js';
import type { Scenario } from './scenarios.js';
import type { ServerKind } from './servers.js';

/** One server's profile at the rate. */
export interface Profiled {
  readonly kind: ServerKind;
  /** Answered queries per second during the run. */
  readonly qps: number;
  /** The server's CPU time over the profiled window ÷ the queries answered in it. */
  readonly cpuUsPerQuery: number;
  readonly samples: SampleBreakdown;
}

/** The markdown report: µs per query by class for each server (and fandns minus its floor), then fandns's own functions. */
export function whereReport(s: Pick<Scenario, 'title'>, rate: number, runs: readonly Profiled[], top: number): string {
  const cols = runs.map((r) => ({ r, q: perQuery(r.samples, r.cpuUsPerQuery) }));
  const f = cols.find((c) => c.r.kind === 'fandns');
  const floor = cols.find((c) => c.r.kind !== 'fandns');
  const diff = f !== undefined && floor !== undefined;
  const head = ['µs per query', ...cols.map((c) => c.r.kind), ...(diff ? [`fandns − ${floor.r.kind}`] : [])];
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [`## ${s.title} at ${rate} q/s`, '', row(head), row(head.map((_, i) => (i ? '---:' : '---')))];
  for (const { cls, label } of CLASS_ROWS) {
    const v = cols.map((c) => c.q.get(cls)!);
    if (v.every((x) => x < 0.005)) continue;
    lines.push(row([`${cls}: ${label}`, ...v.map((x) => fixed(x, 2)), ...(diff ? [signed(f.q.get(cls)! - floor.q.get(cls)!)] : [])]));
  }
  lines.push(row(['**total** (CPU time ÷ queries answered)', ...cols.map((c) => `**${fixed(c.r.cpuUsPerQuery, 2)}**`),
    ...(diff ? [`**${signed(f.r.cpuUsPerQuery - floor.r.cpuUsPerQuery)}**`] : [])]));
  lines.push(row(['answered q/s, samples', ...cols.map((c) => `${Math.round(c.r.qps)}, ${c.r.samples.total}`), ...(diff ? [''] : [])]));
  if (f !== undefined) {
    lines.push('', `fandns's functions, each with what runs below it (innermost fandns frame), µs per query:`, '');
    for (const [name, us] of topFunctions(f.r.samples, f.r.cpuUsPerQuery, top)) lines.push(`- ${fixed(us, 3)} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

