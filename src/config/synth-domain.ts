/**
 * `synth-domain=<domain>,<address range>[,<prefix>[*]]` (dnsmasq 2.90 man page and option.c):
 * forward and reverse records made up for every address of a range. The range is
 * `<address>/<prefix length>` (the address is masked to its network) or `<start>[,<end>]`, IPv4
 * or IPv6. Names are `<prefix><address>.<domain>` with the address's `.` or `:` written `-`; a
 * prefix ending in `*` makes them `<prefix><index>.<domain>` instead, the index counting from the
 * range's first address. What dnsmasq accepts but cannot serve is refused here: a range that
 * ends before it starts, fields after the prefix, a `*` anywhere but at the prefix's end, a
 * prefix too long for the names to fit in a 63-byte label.
 */
import { isIP } from 'node:net';
import { ConfigError, type Origin } from '../errors.js';
import { formatIp, ipBytes, prefixByteMask } from '../util/ip.js';
import { splitFields } from './lexer.js';
import { localName } from './local-records.js';
import type { SynthDomain } from './types.js';

/**
 * Longest prefix, `*` included: dnsmasq's MAXLABEL - INET_ADDRSTRLEN for IPv4 (47, so 15
 * address characters still fit a label) and MAXLABEL - INET6_ADDRSTRLEN for IPv6 (17).
 */
const MAX_PREFIX = { 4: 47, 6: 17 } as const;

const bad = (origin: Origin, message: string) => new ConfigError('FANDNS_CONFIG_VALUE', origin, `synth-domain: ${message}`);

/** -1, 0 or 1 as `a` sorts before, with or after `b` (same length). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** The first and last address of `address/length`. */
function cidrBounds(address: string, length: number): [Uint8Array, Uint8Array] {
  const start = Uint8Array.from(ipBytes(address));
  const end = Uint8Array.from(start);
  for (let i = 0; i < start.length; i++) {
    const mask = prefixByteMask(length, i);
    start[i] = start[i]! & mask;
    end[i] = start[i]! | (~mask & 0xff);
  }
  return [start, end];
}

/** An address field of the range. */
function address(text: string | undefined, origin: Origin, what: string): string {
  if (text === undefined || isIP(text) === 0) throw bad(origin, `bad ${what} "${text ?? ''}"`);
  return text;
}

/** Parses one `synth-domain=` value. */
export function parseSynthDomain(value: string, origin: Origin): SynthDomain {
  const fields = splitFields(value);
  if (fields.length < 2 || fields[1] === '') throw bad(origin, 'needs <domain>,<address range>[,<prefix>]');
  const domain = localName(fields[0]!, origin, 'synth-domain domain');
  let start: Uint8Array;
  let end: Uint8Array;
  let prefixText: string | undefined;
  let rest: string[];
  let cidr = false;
  const slash = fields[1]!.indexOf('/');
  if (slash >= 0) {
    cidr = true;
    const addr = address(fields[1]!.slice(0, slash), origin, 'address');
    const lengthText = fields[1]!.slice(slash + 1);
    const max = isIP(addr) === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > max) throw bad(origin, `bad prefix length "${lengthText}" (0-${max})`);
    [start, end] = cidrBounds(addr, Number(lengthText));
    [prefixText, ...rest] = fields.slice(2);
  } else {
    const first = address(fields[1], origin, 'start address');
    // As in dnsmasq, the field after a start address is always its end address.
    const last = fields.length > 2 ? address(fields[2], origin, 'end address') : first;
    if (isIP(first) !== isIP(last)) throw bad(origin, `${first} and ${last} are not of one address family`);
    [start, end] = [Uint8Array.from(ipBytes(first)), Uint8Array.from(ipBytes(last))];
    if (compareBytes(start, end) > 0) throw bad(origin, `the range ends (${last}) before it starts (${first})`);
    [prefixText, ...rest] = fields.slice(3);
  }
  if (rest.length > 0) throw bad(origin, `unexpected "${rest.join(',')}" after the prefix`);
  const family = start.length === 4 ? 4 : 6;
  const raw = (prefixText ?? '').toLowerCase();
  const sequential = raw.endsWith('*');
  const prefix = sequential ? raw.slice(0, -1) : raw;
  if (!/^(?:[a-z0-9_-]+\.)*[a-z0-9_-]*$/.test(prefix)) {
    throw bad(origin, `bad prefix "${prefixText}": letters, digits, "-", "_" and dots, and "*" only at its end`);
  }
  if (raw.length > MAX_PREFIX[family]) throw bad(origin, `prefix "${prefixText}" is longer than ${MAX_PREFIX[family]} characters`);
  if (sequential && family === 6 && !start.subarray(0, 8).every((b, i) => b === end[i])) {
    throw bad(origin, cidr ? 'sequential names (a prefix ending in "*") need a prefix length of 64 or more' : 'sequential names (a prefix ending in "*") need start and end in one /64');
  }
  // The longest name: the prefix, the longest address text (or index), a dot and the domain.
  if (prefix.length + (sequential ? 20 : family === 4 ? 15 : 40) + 1 + domain.length > 253) {
    throw bad(origin, `names under "${domain}" with prefix "${prefix}" could be longer than 253 characters`);
  }
  return { domain, family, start: formatIp(start), end: formatIp(end), prefix, sequential, origin };
}
