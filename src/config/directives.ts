/**
 * The directive table: every option fandns understands, one row each, with its dnsmasq short
 * letter, whether it takes a value, how repeats behave and what it does to the builder. This is
 * "what options exist" in one file; the CLI and `--help` are generated from it, and a test checks
 * that conf/fandns.conf documents each row.
 */
import { ConfigError, type Origin } from '../errors.js';
import type { ConfigBuilder } from './builder.js';
import { parseRevServer } from './reverse.js';
import { parseAddress, parseServer } from './server-spec.js';
import { parseIntIn, parseIp } from './values.js';

/** `flag`: no value allowed. `value`: a value is required. `optional`: `name` or `name=value`. */
export type ArgKind = 'flag' | 'value' | 'optional';

/** One row of the table. */
export interface Directive {
  readonly name: string;
  readonly short?: string;
  readonly arg: ArgKind;
  /** `list` accumulates; `single` may appear once in files (and once on the command line). */
  readonly repeat: 'list' | 'single';
  /** Placeholder for --help, e.g. `<port>`. */
  readonly hint?: string;
  readonly describe: string;
  /** Applies one occurrence. `value` is null only for flags and bare optional options. */
  readonly apply: (b: ConfigBuilder, value: string | null, origin: Origin) => void;
  /** Handled by the loader or CLI rather than the builder (conf-file, conf-dir, test…). */
  readonly special?: boolean;
}

const v = (value: string | null): string => value ?? '';
const int = (name: string, min: number, max: number) => (value: string | null, o: Origin) =>
  parseIntIn(v(value), o, name, min, max);

/** Every directive fandns implements. */
export const DIRECTIVES: readonly Directive[] = [
  // ---- files
  { name: 'conf-file', short: 'C', arg: 'value', repeat: 'list', hint: '<path>', special: true,
    describe: 'Read options from this file (on the command line: instead of the default file).', apply: () => {} },
  { name: 'conf-dir', short: '7', arg: 'value', repeat: 'list', hint: '<dir>[,.ext|*.ext…]', special: true,
    describe: 'Read every file in a directory, skipping .ext suffixes or keeping only *.ext ones.', apply: () => {} },
  // ---- listening
  { name: 'port', short: 'p', arg: 'value', repeat: 'single', hint: '<port>',
    describe: 'Port to answer DNS on, UDP and TCP (default 53).',
    apply: (b, val, o) => { b.port = int('port', 0, 65535)(val, o); } },
  { name: 'listen-address', short: 'a', arg: 'value', repeat: 'list', hint: '<ip>[,<ip>…]',
    describe: 'Address to listen on (repeatable; default 127.0.0.1 only).',
    apply: (b, val, o) => { for (const a of v(val).split(',')) b.listenAddresses.push(parseIp(a.trim(), o, 'listen-address')); } },
  { name: 'max-tcp-connections', arg: 'value', repeat: 'single', hint: '<n>',
    describe: 'Most TCP client connections open at once (default 100).',
    apply: (b, val, o) => { b.maxTcpConnections = int('max-tcp-connections', 1, 100000)(val, o); } },
  // ---- routing
  { name: 'server', short: 'S', arg: 'value', repeat: 'list', hint: '[/<domain>/]<ip>[#<port>][@<source>]',
    describe: 'Upstream server, for every name or only for the given domains.',
    apply: (b, val, o) => { b.rules.push(...parseServer(v(val), o, 'server')); } },
  { name: 'local', arg: 'value', repeat: 'list', hint: '/<domain>/[<ip>]',
    describe: 'Synonym of server; /domain/ alone means answer from local data only.',
    apply: (b, val, o) => { b.rules.push(...parseServer(v(val), o, 'local')); } },
  { name: 'address', short: 'A', arg: 'value', repeat: 'list', hint: '/<domain>/[<ip>|#]',
    describe: 'Answer A (IPv4) or AAAA (IPv6) for a domain and its subdomains locally.',
    apply: (b, val, o) => { b.rules.push(...parseAddress(v(val), o)); } },
  { name: 'rev-server', arg: 'value', repeat: 'list', hint: '<ip>[/<prefix>][,<server>]',
    describe: 'Server for reverse lookups of an address range.',
    apply: (b, val, o) => { b.rules.push(...parseRevServer(v(val), o)); } },
  { name: 'resolv-file', short: 'r', arg: 'optional', repeat: 'list', hint: '<path>',
    describe: 'Read upstream servers from this file instead of /etc/resolv.conf (empty: none).',
    apply: (b, val) => {
      if (b.resolvFiles === null) b.resolvFiles = [];
      if (val) b.resolvFiles.push(val);
    } },
  { name: 'no-resolv', short: 'R', arg: 'flag', repeat: 'single',
    describe: 'Do not read resolv.conf for upstream servers.', apply: (b) => { b.noResolv = true; } },
  { name: 'no-poll', short: 'n', arg: 'flag', repeat: 'single',
    describe: 'Do not watch resolv-file for changes (re-read on SIGHUP only).', apply: (b) => { b.noPoll = true; } },
  // ---- upstream policy
  { name: 'strict-order', short: 'o', arg: 'flag', repeat: 'single',
    describe: 'Try servers in config order; the next one on timeout, SERVFAIL or REFUSED.',
    apply: (b) => { b.strictOrder = true; } },
  { name: 'all-servers', arg: 'flag', repeat: 'single',
    describe: 'Send every query to all servers of its group and take the best answer.',
    apply: (b) => { b.allServers = true; } },
  { name: 'dns-forward-max', short: '0', arg: 'value', repeat: 'single', hint: '<n>',
    describe: 'Most concurrent forwarded queries per server group (default 150); excess gets REFUSED.',
    apply: (b, val, o) => { b.forwardMax = int('dns-forward-max', 1, 10_000_000)(val, o); } },
  { name: 'edns-packet-max', short: 'P', arg: 'value', repeat: 'single', hint: '<bytes>',
    describe: 'Largest EDNS UDP payload sent or accepted (default 1232).',
    apply: (b, val, o) => { b.ednsPacketMax = int('edns-packet-max', 512, 65535)(val, o); } },
  { name: 'upstream-timeout', arg: 'value', repeat: 'single', hint: '<ms>',
    describe: 'fandns: how long one attempt at one upstream may take (default 1500 ms).',
    apply: (b, val, o) => { b.upstreamTimeoutMs = int('upstream-timeout', 50, 60_000)(val, o); } },
  { name: 'query-timeout', arg: 'value', repeat: 'single', hint: '<ms>',
    describe: 'fandns: longest time a forwarded query may take before SERVFAIL (default 4000 ms).',
    apply: (b, val, o) => { b.queryTimeoutMs = int('query-timeout', 100, 120_000)(val, o); } },
  // ---- process (accepted for compatibility: fandns always stays in the foreground)
  { name: 'keep-in-foreground', short: 'k', arg: 'flag', repeat: 'single',
    describe: 'Accepted for dnsmasq compatibility; fandns never daemonizes.', apply: () => {} },
  { name: 'no-daemon', short: 'd', arg: 'flag', repeat: 'single',
    describe: 'Accepted for dnsmasq compatibility; fandns never daemonizes.', apply: () => {} },
];

const byName = new Map(DIRECTIVES.map((d) => [d.name, d]));

/** Looks a directive up by its long name. */
export function findDirective(name: string): Directive | undefined {
  return byName.get(name);
}

/** Throws unless the value's presence fits the directive's ArgKind (reference §6.8 messages). */
export function checkArg(d: Directive, value: string | null, origin: Origin): void {
  if (d.arg === 'flag' && value !== null) {
    throw new ConfigError('FANDNS_CONFIG_SYNTAX', origin, `${d.name} takes no value (extraneous parameter "${value}")`);
  }
  if (d.arg === 'value' && (value === null || value === '')) {
    throw new ConfigError('FANDNS_CONFIG_SYNTAX', origin, `${d.name} needs a value (missing parameter)`);
  }
}
