/**
 * The command line: every directive is also a long option (`--server=/consul/127.0.0.1#8600`),
 * with dnsmasq's short letters (`-S`, `-A`, `-p`, `-a`, `-C`, `-7`, `-R`, `-o` …). yargs does the
 * parsing and `--help`; this module turns its result into option lines that the loader applies
 * exactly like config-file lines.
 */
import yargs, { type Argv } from 'yargs';
import { ConfigError } from '../errors.js';
import { DIRECTIVES } from './directives.js';
import { isDomainScoped } from './domain-cache-ttl.js';
import { DNSMASQ_OPTIONS } from './dnsmasq-options.js';

/** dnsmasq options without a fandns directive (help, version and test are CLI options here). */
const UNIMPLEMENTED = DNSMASQ_OPTIONS.filter((n) => !DIRECTIVES.some((d) => d.name === n) && !['help', 'version', 'test'].includes(n));
import type { OptionLine } from './lexer.js';
import { CLI_ORIGIN } from './load.js';

/** What the command line asked for. */
export interface CliRequest {
  readonly lines: OptionLine[];
  /** The main config file (first -C), or null for the default. */
  readonly file: string | null;
  readonly test: boolean;
}

/** The default config file when no -C is given; missing is fine. */
export const DEFAULT_CONFIG_FILE = '/etc/fandns.conf';

/**
 * yargs reads `-7` and `-0` as negative numbers and splits a glued value such as `-a127.0.0.1`
 * into single letters, so short options that take a value are rewritten to their long names first
 * (`-7 DIR` → `--conf-dir DIR`, `-0100` → `--dns-forward-max=100`, `-S1.2.3.4` → `--server=1.2.3.4`).
 */
function rewriteShorts(argv: readonly string[]): string[] {
  const valued = new Map(DIRECTIVES.filter((d) => d.short && d.arg !== 'flag').map((d) => [d.short!, d.name]));
  return argv.map((a) => {
    const m = /^-([^-])(.*)$/.exec(a);
    const long = m ? valued.get(m[1]!) : undefined;
    if (!m || !long) return a;
    if (m[2]) return `--${long}=${m[2]}`;
    return /^\d$/.test(m[1]!) ? `--${long}` : a;
  });
}

/** Options that take no value; yargs would silently read `--no-resolv=yes` as false. */
const FLAG_NAMES = new Set([...DIRECTIVES.filter((d) => d.arg === 'flag').map((d) => d.name), 'test', 'help', 'version']);

/** Rejects `--flag=value` (dnsmasq: bad command line options). */
function checkFlagValues(argv: readonly string[]): void {
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m && FLAG_NAMES.has(m[1]!)) {
      const why = `--${m[1]} takes no value (extraneous parameter "${m[2]}")`;
      throw new ConfigError('FANDNS_CONFIG_SYNTAX', CLI_ORIGIN, `bad command line options: ${why}; try --help`);
    }
  }
}

/** Builds the yargs parser (also used to print --help). */
export function cliParser(argv: readonly string[]): Argv {
  let y = yargs(rewriteShorts(argv))
    .scriptName('fandns')
    .usage('Usage: $0 [options]\n\nA caching, forwarding DNS proxy that reads dnsmasq configuration.\nEvery option may also be written in a config file as name=value, without the dashes.')
    .parserConfiguration({
      'boolean-negation': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': true,
      'strip-aliased': true,
      'greedy-arrays': false,
    })
    .strict()
    .version(false)
    .help(false)
    .wrap(Math.min(110, process.stdout.columns || 100));
  for (const d of DIRECTIVES) {
    const alias = d.short && !/^\d$/.test(d.short) ? d.short : undefined;
    const shortNote = d.short && /^\d$/.test(d.short) ? ` (short: -${d.short})` : '';
    y = y.option(d.name, {
      ...(alias ? { alias } : {}),
      type: d.arg === 'flag' ? 'boolean' : 'string',
      describe: `${d.describe}${d.hint ? ` ${d.hint}` : ''}${shortNote}`,
      group: 'Options:',
    });
  }
  // dnsmasq options fandns does not implement: accepted (hidden) so they warn as in files.
  for (const name of UNIMPLEMENTED) y = y.option(name, { type: 'string', hidden: true });
  return y
    .option('test', { type: 'boolean', describe: 'Check the configuration and exit: 0 if valid, 1 (or 3 for a missing file) if not.' })
    .option('help', { alias: 'w', type: 'boolean', describe: 'Show this help.' })
    .option('version', { alias: 'v', type: 'boolean', describe: 'Show the version.' });
}

/** Parses argv (without node and script) into a CliRequest. Throws ConfigError for bad input. */
export function parseCli(argv: readonly string[]): CliRequest & { help: boolean; version: boolean } {
  checkFlagValues(argv);
  let parsed: Record<string, unknown>;
  try {
    parsed = cliParser(argv).exitProcess(false).fail((msg: string, err: Error | undefined) => {
      throw err ?? new Error(msg);
    }).parseSync() as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError('FANDNS_CONFIG_SYNTAX', CLI_ORIGIN, `bad command line options: ${(err as Error).message}; try --help`);
  }
  const lines: OptionLine[] = [];
  let file: string | null = null;
  for (const d of DIRECTIVES) {
    const raw = parsed[d.name];
    if (raw === undefined || raw === false) continue;
    const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
    // Per-domain lines (`--min-cache-ttl=/d/2`, `--use-stale-cache=/d/`) may repeat; the plain form may not.
    const plain = d.scoped ? values.filter((v) => !isDomainScoped(String(v)) && !(d.bareIsFlag === true && String(v) === '')) : values;
    if (d.repeat === 'single' && d.arg !== 'flag' && plain.length > 1) {
      throw new ConfigError('FANDNS_CONFIG_REPEATED', CLI_ORIGIN, `--${d.name} given more than once`);
    }
    for (const val of values) {
      if (d.arg === 'flag') {
        lines.push({ name: d.name, value: null, origin: CLI_ORIGIN });
        continue;
      }
      const text = String(val);
      if (d.name === 'conf-file' && file === null) {
        file = text;
        continue;
      }
      lines.push({ name: d.name, value: d.arg === 'optional' && text === '' ? null : text, origin: CLI_ORIGIN });
    }
  }
  for (const name of UNIMPLEMENTED) {
    const raw = parsed[name];
    if (raw === undefined) continue;
    for (const val of Array.isArray(raw) ? (raw as unknown[]) : [raw]) {
      lines.push({ name, value: String(val) === '' ? null : String(val), origin: CLI_ORIGIN });
    }
  }
  return { lines, file, test: parsed['test'] === true, help: parsed['help'] === true, version: parsed['version'] === true };
}
