/**
 * A small SVG chart of a run, written by hand (no browser, no dependency): two panels of grouped
 * horizontal bars, queries per second and server CPU µs per query, one bar per server.
 */
import type { MachineInfo } from './machine.js';
import { resultLabel, type ScenarioResult } from './scenario-run.js';

const COLORS: Readonly<Record<string, string>> = { fandns: '#2b6cb0', dnsmasq: '#dd6b20', echo: '#718096', relay: '#a0aec0' };
const BAR = 14;
const GAP = 8;
const LABEL_W = 230;
const PANEL_W = 600;

/** XML-escapes text. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Bar {
  readonly series: string;
  readonly value: number | null;
  readonly text: string;
}

interface Group {
  readonly label: string;
  readonly bars: readonly Bar[];
}

/** One panel at (x, y); returns its SVG and height. */
function panel(title: string, groups: readonly Group[], x: number, y: number): { svg: string; height: number } {
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value ?? 0)));
  const scale = (PANEL_W - LABEL_W - 90) / max;
  const out = [`<text x="${x}" y="${y + 14}" font-weight="bold">${esc(title)}</text>`];
  let yy = y + 26;
  for (const g of groups) {
    out.push(`<text x="${x}" y="${yy + BAR - 2}">${esc(g.label)}</text>`);
    for (const b of g.bars) {
      const w = b.value === null ? 0 : Math.max(1, b.value * scale);
      out.push(`<rect x="${x + LABEL_W}" y="${yy}" width="${w.toFixed(1)}" height="${BAR - 2}" fill="${COLORS[b.series] ?? '#999'}"/>`);
      out.push(`<text x="${(x + LABEL_W + w + 4).toFixed(1)}" y="${yy + BAR - 3}" font-size="11">${esc(b.text)}</text>`);
      yy += BAR;
    }
    yy += GAP;
  }
  return { svg: out.join('\n'), height: yy - y };
}

function groups(results: readonly ScenarioResult[], pick: (r: Extract<ScenarioResult['runs'][number], { status: 'ok' }>) => number, fmt: (v: number) => string): Group[] {
  return results.map((s) => ({
    label: resultLabel(s),
    bars: s.runs.map((r) => (r.status === 'ok'
      ? { series: r.server, value: pick(r), text: `${r.server} ${fmt(pick(r))}` }
      : { series: r.server, value: null, text: `${r.server}: ${r.status}` })),
  }));
}

/** The chart for a run. */
export function chartSvg(results: readonly ScenarioResult[], m: MachineInfo, profile: string): string {
  const a = panel('Queries per second (higher is better)', groups(results, (r) => r.result.throughput.qps, (v) => `${(v / 1000).toFixed(1)}k`), 10, 40);
  const b = panel('Server CPU µs per answered query (lower is better)', groups(results, (r) => r.result.cpu.usPerQuery, (v) => v.toFixed(1)), 10 + PANEL_W + 20, 40);
  const height = 40 + Math.max(a.height, b.height) + 20;
  const width = 2 * PANEL_W + 40;
  const caption = `fandns ${m.gitSha}${m.gitDirty ? '+dirty' : ''} vs dnsmasq, ${profile} run, ${m.date.slice(0, 16)}, node ${m.node}, ${m.nproc}× ${m.cpuModel}${m.placement !== undefined ? `. ${m.placement}` : m.pinned ? ', server pinned to core 0, dnsperf + upstream on core 1' : ''}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="13">${esc(caption)}</text>`,
    a.svg,
    b.svg,
    '</svg>',
    '',
  ].join('\n');
}
