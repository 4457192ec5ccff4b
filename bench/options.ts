/** Command-line options of `node dist/bench/run.js`. */
import { SCENARIOS } from './scenarios.js';

/** Parsed options. */
export interface BenchOptions {
  readonly quick: boolean;
  /** Scenario ids, or null for all. */
  readonly scenarios: readonly string[] | null;
  /** Servers to run (fandns, dnsmasq, echo, relay), or null for all a scenario has. */
  readonly servers: readonly string[] | null;
  /** Results directory, or null for bench/results. */
  readonly out: string | null;
  /** Cap the throughput runs at this many queries per second (a light smoke run), or null. */
  readonly maxQps: number | null;
  /** Keep the work directory (configs, query files, logs). */
  readonly keep: boolean;
  /** Times each scenario is run, its servers alternating; the ratios are summarised by their median. */
  readonly rounds: number;
  readonly help: boolean;
}

/** Most rounds one run may ask for (a full round of every scenario takes about 6 minutes). */
export const MAX_ROUNDS = 20;

/** Usage text. */
export const USAGE = `usage: node dist/bench/run.js [--quick] [--scenarios id,…] [--servers name,…] [--rounds N] [--max-qps N] [--out DIR] [--keep]
  --quick       about a second per phase: proves the harness works, numbers are rough
  --scenarios   run only these (${SCENARIOS.map((s) => s.id).join(', ')})
  --servers     run only these servers (fandns, dnsmasq, echo, relay)
  --rounds      run each scenario N times (1-${MAX_ROUNDS}), its servers alternating, and add the median
                ratios with their range: on a noisy machine one round can be off by 10-25 %
  --max-qps     cap the throughput runs (dnsperf -Q): a gentler smoke run on a shared machine
  --out         write results here instead of bench/results/
  --keep        keep the work directory (configs, query files, server and dnsperf logs)
`;

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Walks `--flag value` and `--flag=value` arguments: `on` gets each flag, a `value()` that takes its
 * value (inline, or the next argument; throws when there is none) and the argument as given.
 */
export function walkFlags(argv: readonly string[], on: (flag: string, value: () => string, arg: string) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    on(flag, () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    }, arg);
  }
}

/** Parses argv (without node and script). Throws on unknown options. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let scenarios: string[] | null = null;
  let servers: string[] | null = null;
  let out: string | null = null;
  let maxQps: number | null = null;
  let keep = false;
  let rounds = 1;
  let help = false;
  walkFlags(argv, (flag, value, arg) => {
    if (flag === '--quick') quick = true;
    else if (flag === '--keep') keep = true;
    else if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--scenarios') scenarios = list(value());
    else if (flag === '--servers') servers = list(value());
    else if (flag === '--out') out = value();
    else if (flag === '--rounds') {
      rounds = Number(value());
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) throw new Error(`--rounds needs an integer from 1 to ${MAX_ROUNDS}`);
    }
    else if (flag === '--max-qps') {
      maxQps = Number(value());
      if (!Number.isInteger(maxQps) || maxQps <= 0) throw new Error('--max-qps needs a positive integer');
    }
    else throw new Error(`unknown option ${arg}`);
  });
  return { quick, scenarios, servers, out, maxQps, keep, rounds, help };
}
