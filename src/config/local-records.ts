/**
 * Parsers for the local-data directives (reference §6.7): host-record, txt-record, srv-host,
 * ptr-record, mx-host and cname (naptr-record, caa-record and dns-rr: extra-records.ts). Each
 * produces typed records with ready RDATA; serving them is the local and cname stages' job.
 */
import { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import { RRType } from '../wire/constants.js';
import { canonicalName, encodeName } from '../wire/name.js';
import { txtRdata } from '../wire/txt-rdata.js';
import { ipBytes } from '../util/ip.js';
import { splitFields } from './lexer.js';
import { reversePointerName } from './reverse.js';
import type { CnameRule, LocalRecord, MxHost } from './types.js';

/** Checks and canonicalises a host name used in local data. */
export function localName(text: string, origin: Origin, what: string): string {
  const name = canonicalName(text.trim());
  try {
    encodeName(name);
  } catch {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad ${what} "${text}"`);
  }
  if (name === '') throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `missing ${what}`);
  return name;
}

const isTtl = (s: string) => /^\d{1,10}$/.test(s) && Number(s) <= 2_147_483_647;

/** `host-record=<name>[,<name>…],[<IPv4>],[<IPv6>][,<TTL>]`: A/AAAA for every name, PTR to the first. */
export function parseHostRecord(value: string, origin: Origin): LocalRecord[] {
  const fields = splitFields(value).filter((f) => f !== '');
  let ttl: number | null = null;
  if (fields.length > 1 && isTtl(fields.at(-1)!)) ttl = Number(fields.pop());
  const names = fields.filter((f) => isIP(f) === 0).map((f) => localName(f, origin, 'host-record name'));
  const addrs = fields.filter((f) => isIP(f) !== 0);
  if (names.length === 0 || addrs.length === 0) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, 'host-record needs at least one name and one address');
  }
  const out: LocalRecord[] = [];
  for (const addr of addrs) {
    const type = isIP(addr) === 4 ? RRType.A : RRType.AAAA;
    for (const name of names) out.push({ name, type, rdata: ipBytes(addr), ttl, origin });
    out.push({ name: reversePointerName(addr), type: RRType.PTR, rdata: encodeName(names[0]!), ttl, origin });
  }
  return out;
}

/** `txt-record=<name>[,<text>[,<text>]]`. */
export function parseTxtRecord(value: string, origin: Origin): LocalRecord[] {
  const [name = '', ...texts] = splitFields(value);
  return [{ name: localName(name, origin, 'txt-record name'), type: RRType.TXT, rdata: txtRdata(texts.length ? texts : ['']), ttl: null, origin }];
}

/** `ptr-record=<name>[,<target>]`. */
export function parsePtrRecord(value: string, origin: Origin): LocalRecord[] {
  const [name = '', target] = splitFields(value);
  const n = localName(name, origin, 'ptr-record name');
  if (target === undefined || target === '') return [{ name: n, type: RRType.PTR, rdata: Buffer.alloc(0), ttl: null, origin, placeholder: true }];
  return [{ name: n, type: RRType.PTR, rdata: encodeName(localName(target, origin, 'ptr-record target')), ttl: null, origin }];
}

/** A 16-bit field in network order. */
export const u16 = (n: number) => Buffer.from([n >>> 8, n & 0xff]);

/** A decimal field of a record line in [0, max]; `dflt` when absent or empty (as dnsmasq reads it). */
export function intField(text: string | undefined, dflt: number, origin: Origin, what: string, max = 65535): number {
  if (text === undefined || text === '') return dflt;
  if (!/^\d+$/.test(text) || Number(text) > max) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad ${what} "${text}"`);
  return Number(text);
}

/** `srv-host=<_service>.<_prot>.[<domain>],[<target>[,<port>[,<priority>[,<weight>]]]]`. */
export function parseSrvHost(value: string, origin: Origin): LocalRecord[] {
  const [name = '', target, port, prio, weight] = splitFields(value);
  const n = localName(name, origin, 'srv-host name');
  if (target === undefined || target === '') return [{ name: n, type: RRType.SRV, rdata: Buffer.alloc(0), ttl: null, origin, placeholder: true }];
  const rdata = Buffer.concat([
    u16(intField(prio, 0, origin, 'SRV priority')),
    u16(intField(weight, 0, origin, 'SRV weight')),
    u16(intField(port, 1, origin, 'SRV port')),
    encodeName(localName(target, origin, 'srv-host target')),
  ]);
  return [{ name: n, type: RRType.SRV, rdata, ttl: null, origin }];
}

/**
 * `mx-host=<mx name>[[,<hostname>],<preference>]`: with no hostname the target is left null for
 * mx-target (or this machine's name) to fill in, as the man page says. A lone number is the
 * preference, as the man page's syntax reads (dnsmasq 2.90 takes it as the target's name).
 */
export function parseMxHost(value: string, origin: Origin): MxHost {
  const fields = splitFields(value);
  const name = localName(fields[0] ?? '', origin, 'mx-host name');
  let preference = 1;
  let target: string | null = null;
  if (fields.length >= 3) {
    target = localName(fields[1]!, origin, 'mx-host target');
    preference = intField(fields[2], 1, origin, 'MX preference');
  } else if (fields.length === 2) {
    if (/^\d+$/.test(fields[1]!)) preference = intField(fields[1], 1, origin, 'MX preference');
    else target = localName(fields[1]!, origin, 'mx-host target');
  }
  return { name, target, preference, origin };
}

/** `cname=<alias>[,<alias>…],<target>[,<ttl>]` (reference §3.1). */
export function parseCname(value: string, origin: Origin): CnameRule[] {
  const fields = splitFields(value).filter((f) => f !== '');
  let ttl: number | null = null;
  if (fields.length >= 3 && isTtl(fields.at(-1)!)) ttl = Number(fields.pop());
  if (fields.length < 2) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, 'bad cname: need at least an alias and a target');
  const target = localName(fields.pop()!, origin, 'cname target');
  return fields.map((a) => ({ alias: localName(a, origin, 'cname alias'), target, ttl, origin }));
}

/** cname=: each alias once, and no alias chain that comes back to itself (reference §3.1); a ConfigError at the line otherwise. */
export function checkCnames(cnames: readonly CnameRule[]): void {
  const byAlias = new Map<string, CnameRule>();
  for (const c of cnames) {
    const prev = byAlias.get(c.alias);
    if (prev) {
      throw new ConfigError('FANDNS_CONFIG_CONFLICT', c.origin, `duplicate cname alias ${c.alias} (first at ${formatOrigin(prev.origin)})`);
    }
    byAlias.set(c.alias, c);
  }
  for (const start of cnames) {
    const seen = new Set([start.alias]);
    let cur = byAlias.get(start.target);
    while (cur) {
      if (seen.has(cur.alias)) {
        throw new ConfigError('FANDNS_CONFIG_CONFLICT', cur.origin,
          `cname loop: ${cur.alias} -> ${cur.target} leads back through ${start.alias} (${formatOrigin(start.origin)})`);
      }
      seen.add(cur.alias);
      cur = byAlias.get(cur.target);
    }
  }
}
