/**
 * Parsers for dnsperf 2.x output: the statistics block of a run, and the per-query lines of a
 * verbose run (`-v`: `> NOERROR name type 0.000123`), which give the latency distribution (this
 * dnsperf has no latency histogram option).
 */

/** The statistics block of one dnsperf run. */
export interface DnsperfStats {
  readonly sent: number;
  readonly completed: number;
  readonly lost: number;
  /** Response code → count. */
  readonly rcodes: Readonly<Record<string, number>>;
  readonly runTimeSec: number;
  readonly qps: number;
  readonly avgLatencyMs: number;
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
}

const num = (text: string, re: RegExp): number => {
  const m = re.exec(text);
  if (!m) throw new Error(`dnsperf output has no ${re.source}`);
  return Number(m[1]);
};

/** Parses the "Statistics:" block; throws when it is missing. */
export function parseStats(text: string): DnsperfStats {
  const rcodes: Record<string, number> = {};
  const line = /^\s*Response codes:\s*(.*)$/m.exec(text)?.[1] ?? '';
  for (const m of line.matchAll(/([A-Z]+)\s+(\d+)\s+\(/g)) rcodes[m[1]!] = Number(m[2]);
  const lat = /Average Latency \(s\):\s+([\d.]+) \(min ([\d.]+), max ([\d.]+)\)/.exec(text);
  return {
    sent: num(text, /Queries sent:\s+(\d+)/),
    completed: num(text, /Queries completed:\s+(\d+)/),
    lost: num(text, /Queries lost:\s+(\d+)/),
    rcodes,
    runTimeSec: num(text, /Run time \(s\):\s+([\d.]+)/),
    qps: num(text, /Queries per second:\s+([\d.]+)/),
    avgLatencyMs: lat ? Number(lat[1]) * 1000 : NaN,
    minLatencyMs: lat ? Number(lat[2]) * 1000 : NaN,
    maxLatencyMs: lat ? Number(lat[3]) * 1000 : NaN,
  };
}

/** Per-query latencies in ms from verbose output, in arrival order. */
export function parseVerboseLatencies(text: string): Float64Array {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    i = text.indexOf('\n> ', i);
    if (i < 0) break;
    const end = text.indexOf('\n', i + 3);
    const line = text.slice(i + 3, end < 0 ? text.length : end);
    const sp = line.lastIndexOf(' ');
    const v = Number(line.slice(sp + 1));
    if (Number.isFinite(v)) out.push(v * 1000);
    i = end < 0 ? text.length : end;
  }
  return Float64Array.from(out);
}

/** Latency percentiles, ms. */
export interface Percentiles {
  readonly samples: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of a sample. */
export function percentiles(ms: Float64Array): Percentiles {
  const s = Float64Array.from(ms).sort();
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN);
  return { samples: s.length, p50: at(50), p90: at(90), p99: at(99), max: s.length ? s[s.length - 1]! : NaN };
}
