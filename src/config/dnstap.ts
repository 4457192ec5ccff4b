/**
 * fandns's dnstap options (dnsmasq has no dnstap): `dnstap-file=PATH` turns it on, writing a
 * Frame Streams file, or `dnstap-socket=PATH` or `dnstap-socket=ADDR#PORT`, streaming to a
 * collector's Unix or TCP socket (one of the two);
 * `dnstap-messages=client,forwarder` says which exchanges are written (client ones by default);
 * `dnstap-identity=` and `dnstap-version=` replace the identity (the host's name) and version
 * (`fandns VERSION`) every message carries, or leave them out when bare or empty (as Unbound's
 * dnstap-send-identity: no does). Part of the directive table in directives.ts; the messages are
 * written by src/log/dnstap-log.ts.
 */
import { isIP } from 'node:net';
import { ConfigError, type Origin } from '../errors.js';
import { pathValue, unquoted, type Directive } from './directive-kit.js';
import type { DnstapConfig, DnstapTarget } from './types.js';

/** What each `dnstap-messages=` word turns on. */
const MESSAGE_WORDS = ['client', 'forwarder'] as const;

/** A value and the line that gave it. */
interface Given<T> {
  readonly value: T;
  readonly origin: Origin;
}

/** The dnstap-messages words: at least one, each known. */
export function parseDnstapMessages(text: string, o: Origin): { client: boolean; forwarder: boolean } {
  const words = text.split(',').map((w) => w.trim().toLowerCase());
  for (const w of words) {
    if (!(MESSAGE_WORDS as readonly string[]).includes(w)) {
      throw new ConfigError('FANDNS_CONFIG_VALUE', o, `dnstap-messages=${text}: "${w}" is not one of ${MESSAGE_WORDS.join(', ')} (a comma-separated list)`);
    }
  }
  return { client: words.includes('client'), forwarder: words.includes('forwarder') };
}

/** A dnstap-socket value: an absolute path (a Unix socket), or an IP address and its port (TCP). */
export function parseDnstapSocket(text: string, o: Origin): DnstapTarget {
  if (text.startsWith('/')) return { kind: 'unix', path: text };
  const m = /^(.+)#(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || isIP(m[1]!) === 0 || port < 1 || port > 65535) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', o, `dnstap-socket=${text} is not a Unix socket's absolute path nor ADDR#PORT (an IP address and a port)`);
  }
  return { kind: 'tcp', address: m[1]!, port };
}

/** What the five options collected. */
export class DnstapLines {
  target: Given<DnstapTarget> | null = null;
  messages: Given<{ client: boolean; forwarder: boolean }> | null = null;
  identity: Given<string> | null = null;
  version: Given<string> | null = null;

  /**
   * The dnstap settings, or null: neither dnstap-file nor dnstap-socket. One of the other three
   * without them is a ConfigError at its line: it would do nothing, which is not what its author meant.
   */
  build(): DnstapConfig | null {
    if (this.target === null) {
      const alone = this.messages ?? this.identity ?? this.version;
      if (alone !== null) throw new ConfigError('FANDNS_CONFIG_VALUE', alone.origin, 'the dnstap options need dnstap-file=PATH or dnstap-socket=: without one nothing is written');
      return null;
    }
    const m = this.messages?.value ?? { client: true, forwarder: false };
    return { target: this.target.value, origin: this.target.origin, ...m, identity: this.identity?.value ?? null, version: this.version?.value ?? null };
  }

  /** Sets where the messages go; a second destination (dnstap-file and dnstap-socket both) is a ConfigError at its line. */
  setTarget(t: DnstapTarget, o: Origin): void {
    if (this.target !== null && (this.target.value.kind === 'file') !== (t.kind === 'file')) {
      throw new ConfigError('FANDNS_CONFIG_CONFLICT', o, 'dnstap-file and dnstap-socket are both given: dnstap goes to one of them');
    }
    this.target = { value: t, origin: o };
  }
}

/** dnstap-file=, dnstap-socket=, dnstap-messages=, dnstap-identity=, dnstap-version=. */
export const DNSTAP_DIRECTIVES: readonly Directive[] = [
  { name: 'dnstap-file', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'fandns: append client queries and their replies (and with dnstap-messages, queries to upstream servers and theirs), over any protocol, as dnstap messages to this Frame Streams file (created mode 0600; dnstap-read reads it). A file that exists must be one fandns wrote.',
    apply: (b, val, o) => { b.dnstap.setTarget({ kind: 'file', path: pathValue('dnstap-file', val, o) }, o); } },
  { name: 'dnstap-socket', arg: 'value', repeat: 'single', hint: '<path>|<ip>#<port>',
    describe: 'fandns: stream the dnstap messages (as dnstap-file would write them) to a collector\'s Frame Streams socket: a Unix socket\'s absolute path, or ADDR#PORT over TCP; reconnects while the collector is away. Not with dnstap-file.',
    apply: (b, val, o) => { b.dnstap.setTarget(parseDnstapSocket(unquoted(val), o), o); } },
  { name: 'dnstap-messages', arg: 'value', repeat: 'single', hint: 'client,forwarder',
    describe: 'fandns: which exchanges dnstap-file or dnstap-socket gets: client (each client query and its reply: CLIENT_QUERY, CLIENT_RESPONSE) and forwarder (each query sent to an upstream server and its reply: FORWARDER_QUERY, FORWARDER_RESPONSE) (default client).',
    apply: (b, val, o) => { b.dnstap.messages = { value: parseDnstapMessages(unquoted(val), o), origin: o }; } },
  { name: 'dnstap-identity', arg: 'optional', repeat: 'single', hint: '[=<text>]',
    describe: 'fandns: the identity each dnstap message carries (default the host\'s name; bare or empty: none).',
    apply: (b, val, o) => { b.dnstap.identity = { value: unquoted(val), origin: o }; } },
  { name: 'dnstap-version', arg: 'optional', repeat: 'single', hint: '[=<text>]',
    describe: 'fandns: the version each dnstap message carries (default "fandns VERSION"; bare or empty: none).',
    apply: (b, val, o) => { b.dnstap.version = { value: unquoted(val), origin: o }; } },
];
