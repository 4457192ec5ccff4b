/**
 * synth-domain: the mapping between made-up names and the addresses of configured ranges, both
 * ways, as dnsmasq 2.90 makes it (src/domain.c, checked against the binary with dig):
 *
 * - `<prefix><address>.<domain>`: the address with `-` for `.` (IPv4) or `:` (IPv6), so
 *   `internal-192-168-0-56.test.lan` and `host-2001-db8--1.v6.lan`. An IPv6 address text that
 *   starts with `::` gets a `0` in front when there is no prefix (`0--1.v6.lan`), and an
 *   IPv4-mapped address keeps its dotted tail (`::ffff:1.2.3.4` → `0--ffff-1-2-3-4`). Names are
 *   read back with any spelling inet_pton takes (`2001-0db8-0-0-0-0-0-1`), and `--ffff-a-b-c-d`
 *   as an IPv4-mapped address; fandns also reads `0--ffff-a-b-c-d` that way when the plain
 *   reading is not in a range, so that every name it gives out resolves (dnsmasq's does not).
 * - `<prefix><index>.<domain>` for a prefix that ended in `*`: the address's distance from the
 *   range's first one, in decimal (leading zeros read, an index past the range's end is no name).
 *
 * Where ranges overlap, the last configured one names an address, as in dnsmasq (its list is
 * built by prepending). Nothing here reads the network or the clock: names in, addresses out.
 */
import { Buffer } from 'node:buffer';
import { isIPv4, isIPv6 } from 'node:net';
import type { SynthDomain } from '../config/types.js';
import { RRType } from '../wire/constants.js';
import { encodeName } from '../wire/name.js';
import { reverseNameFamily, wireNameEndsWith } from '../wire/reverse-name.js';
import { formatIp, ipBytes } from '../util/ip.js';
import { reverseNameAddress } from './private-ranges.js';

/** A range ready for lookups: its bounds as numbers. */
export interface SynthRange {
  readonly domain: string;
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: string;
  readonly sequential: boolean;
}

const toNumber = (b: Uint8Array): bigint => b.reduce((n, x) => (n << 8n) | BigInt(x), 0n);

function toBytes(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** The config's ranges for lookups, the last configured first. */
export function synthRanges(domains: readonly SynthDomain[]): SynthRange[] {
  return domains.map((d) => ({
    domain: d.domain,
    family: d.family,
    first: toNumber(ipBytes(d.start)),
    last: toNumber(ipBytes(d.end)),
    prefix: d.prefix,
    sequential: d.sequential,
  })).reverse();
}

const V4_LABEL = /^[0-9-]+$/;
const V6_LABEL = /^[0-9a-f-]+$/;
const INDEX = /^\d{1,20}$/;

/** `a-b-c-d` as the dotted `a.b.c.d`. */
const dotted = (s: string) => s.replaceAll('-', '.');

/** The address texts an address label may stand for, in the order they are tried. */
function addressTexts(label: string, family: 4 | 6): string[] {
  if (family === 4) return V4_LABEL.test(label) ? [dotted(label)] : [];
  if (!V6_LABEL.test(label)) return [];
  if (label.startsWith('--ffff-')) return [`::ffff:${dotted(label.slice(7))}`];
  const plain = label.replaceAll('-', ':');
  return label.startsWith('0--ffff-') ? [plain, `::ffff:${dotted(label.slice(8))}`] : [plain];
}

/** The address a label of range `r` stands for, or null. */
function labelAddress(label: string, r: SynthRange): bigint | null {
  if (r.sequential) {
    if (!INDEX.test(label)) return null;
    const n = r.first + BigInt(label);
    return n <= r.last ? n : null;
  }
  for (const text of addressTexts(label, r.family)) {
    if (!(r.family === 4 ? isIPv4(text) : isIPv6(text))) continue;
    const n = toNumber(ipBytes(text));
    if (n >= r.first && n <= r.last) return n;
  }
  return null;
}

/**
 * The address (4 or 16 bytes) that `name` (lower-case, dotted, no trailing dot) stands for in a
 * range of `family`, or null when it is no synthesised name of one.
 */
export function synthAddress(name: string, family: 4 | 6, ranges: readonly SynthRange[]): Uint8Array | null {
  for (const r of ranges) {
    if (r.family !== family || !name.startsWith(r.prefix)) continue;
    const dot = name.indexOf('.', r.prefix.length);
    if (dot < 0 || name.length - dot - 1 !== r.domain.length || !name.endsWith(r.domain)) continue;
    const n = labelAddress(name.slice(r.prefix.length, dot), r);
    if (n !== null) return toBytes(n, family === 4 ? 4 : 16);
  }
  return null;
}

/** The synthesised name (dotted, lower-case) of an address (4 or 16 bytes), or null when no range holds it. */
export function synthName(addr: Uint8Array, ranges: readonly SynthRange[]): string | null {
  const family = addr.length === 4 ? 4 : 6;
  const n = toNumber(addr);
  for (const r of ranges) {
    if (r.family !== family || n < r.first || n > r.last) continue;
    if (r.sequential) return `${r.prefix}${n - r.first}.${r.domain}`;
    let text = formatIp(addr);
    // A label cannot start with "-" (dnsmasq: only without a prefix, where the name would).
    if (r.prefix === '' && text.startsWith(':')) text = `0${text}`;
    return `${r.prefix}${text.replace(/[.:]/g, '-')}.${r.domain}`;
  }
  return null;
}

/** A synthesised record: its type (A, AAAA, PTR) and RDATA. */
export interface SynthRecord {
  readonly type: number;
  readonly rdata: Buffer;
}

/** The configured ranges, for the local stage. */
export class SynthDomains {
  readonly #ranges: readonly SynthRange[];
  /** Wire forms of the distinct domains, for the check on every query. */
  readonly #suffixes: readonly Buffer[];
  readonly #v4: boolean;
  readonly #v6: boolean;

  /** The ranges of `domains`, or null when there are none (the local stage then skips every check). */
  static of(domains: readonly SynthDomain[]): SynthDomains | null {
    return domains.length === 0 ? null : new SynthDomains(domains);
  }

  constructor(domains: readonly SynthDomain[]) {
    this.#ranges = synthRanges(domains);
    this.#suffixes = [...new Set(domains.map((d) => d.domain))].map((d) => encodeName(d));
    this.#v4 = domains.some((d) => d.family === 4);
    this.#v6 = domains.some((d) => d.family === 6);
  }

  /**
   * False when the wire name at `nameStart` of `msg` (`nameLen` bytes, uncompressed as in a
   * question) can be neither a name under a synth domain nor a full reverse name of a configured
   * family: most queries stop here, on their own bytes, without their name or cache key being
   * made into a string (a cache hit never makes either).
   */
  mayMatch(msg: Uint8Array, nameStart: number, nameLen: number): boolean {
    for (const s of this.#suffixes) if (wireNameEndsWith(msg, nameStart, nameLen, s)) return true;
    const family = reverseNameFamily(msg, nameStart, nameLen);
    return family === 4 ? this.#v4 : family === 6 && this.#v6;
  }

  /**
   * What `name` (lower-case, dotted) has: the PTR record of a reverse name in a range, the A
   * and/or AAAA record of a synthesised name; null when it is neither.
   */
  records(name: string): SynthRecord[] | null {
    const addr = name.endsWith('.arpa') ? reverseNameAddress(name) : null;
    if (addr !== null) {
      const target = synthName(addr, this.#ranges);
      return target === null ? null : [{ type: RRType.PTR, rdata: encodeName(target) }];
    }
    const out: SynthRecord[] = [];
    const a = this.#v4 ? synthAddress(name, 4, this.#ranges) : null;
    if (a !== null) out.push({ type: RRType.A, rdata: Buffer.from(a) });
    const aaaa = this.#v6 ? synthAddress(name, 6, this.#ranges) : null;
    if (aaaa !== null) out.push({ type: RRType.AAAA, rdata: Buffer.from(aaaa) });
    return out.length > 0 ? out : null;
  }
}
