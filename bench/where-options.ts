/** Command-line options of `node dist/bench/where.js` (bench/where.ts). */
import { walkFlags } from './options.js';
import { SCENARIOS } from './scenarios.js';
import type { ServerKind } from './servers.js';

/** Parsed options. */
export interface WhereOptions {
  readonly scenario: string;
  /** Fixed dnsperf rate, queries per second. */
  readonly rate: number;
  /** Length of the profiled window, seconds. */
  readonly seconds: number;
  /** Servers to profile, in order, or null for the scenario's floor (if any), then fandns. */
  readonly servers: readonly ServerKind[] | null;
  /** How many of fandns's functions to list. */
  readonly top: number;
  /** Where to keep each server's `perf script` text (`<dir>/perf-<server>.txt`) for a closer look, or null. */
  readonly keepSamples: string | null;
  readonly help: boolean;
}

/**
 * Default rates: about two thirds of what fandns sustains on this 2-core machine in each scenario,
 * and near half of dnsmasq's capacity, where the harness measures CPU at a fixed rate.
 */
export const DEFAULT_RATES: Readonly<Record<string, number>> = {
  hit: 100_000, ops: 80_000, miss: 30_000, mixed: 60_000, fanout: 12_000, cname: 80_000, tcp: 50_000, log: 60_000,
};

const KINDS: readonly ServerKind[] = ['fandns', 'dnsmasq', 'echo', 'relay'];

/** Usage text. */
export const WHERE_USAGE = `usage: node dist/bench/where.js --scenario ID [--rate N] [--seconds S] [--servers name,…] [--top N] [--keep-samples DIR]
  --scenario  one of ${SCENARIOS.map((s) => s.id).join(', ')}
  --rate      fixed dnsperf rate, q/s (default per scenario: ${Object.entries(DEFAULT_RATES).map(([k, v]) => `${k} ${v}`).join(', ')})
  --seconds   length of the profiled window (default 5, at most 60)
  --servers   servers to profile, in order (fandns, dnsmasq, echo, relay; default: the scenario's floor, then fandns)
  --top       how many of fandns's functions to list (default 15)
  --keep-samples  write each server's perf script text to DIR/perf-<server>.txt (stacks, for a closer look)
`;

const positive = (flag: string, v: string, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new Error(`${flag} needs an integer from 1 to ${max}`);
  return n;
};

/** Parses argv (without node and script). Throws on unknown or missing options. */
export function parseWhereOptions(argv: readonly string[]): WhereOptions {
  let scenario: string | null = null;
  let rate: number | null = null;
  let seconds = 5;
  let servers: ServerKind[] | null = null;
  let top = 15;
  let keepSamples: string | null = null;
  let help = false;
  walkFlags(argv, (flag, value, arg) => {
    if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--scenario') scenario = value();
    else if (flag === '--rate') rate = positive(flag, value(), 1_000_000);
    else if (flag === '--seconds') seconds = positive(flag, value(), 60);
    else if (flag === '--top') top = positive(flag, value(), 1000);
    else if (flag === '--keep-samples') keepSamples = value();
    else if (flag === '--servers') {
      servers = value().split(',').map((x) => x.trim()).filter(Boolean) as ServerKind[];
      const bad = servers.find((x) => !KINDS.includes(x));
      if (bad !== undefined || servers.length === 0) throw new Error(`--servers takes ${KINDS.join(', ')}`);
    } else throw new Error(`unknown option ${arg}`);
  });
  if (help) return { scenario: scenario ?? '', rate: rate ?? 0, seconds, servers, top, keepSamples, help };
  if (scenario === null) throw new Error('--scenario is required');
  if (!SCENARIOS.some((s) => s.id === scenario)) throw new Error(`unknown scenario "${scenario}"`);
  return { scenario, rate: rate ?? DEFAULT_RATES[scenario] ?? 20_000, seconds, servers, top, keepSamples, help };
}
