/**
 * Parsers for naptr-record, caa-record and dns-rr (reference §6.7), read as dnsmasq 2.90 reads
 * them (option.c), except that values dnsmasq would truncate, wrap or turn into malformed records
 * are config errors. Each line gives one LocalRecord with its RDATA as wire bytes; the local stage
 * serves them like the other local records.
 */
import { Buffer } from 'node:buffer';
import { ConfigError, type Origin } from '../errors.js';
import { RRType, typeFromName } from '../wire/constants.js';
import { encodeName } from '../wire/name.js';
import { txtRdata } from '../wire/txt-rdata.js';
import { hexBytes } from './hex-data.js';
import { splitFields } from './lexer.js';
import { intField, localName, u16 } from './local-records.js';
import type { LocalRecord } from './types.js';

/** Largest RDATA: its length is a 16-bit field (RFC 1035 §3.2.1). */
const MAX_RDATA = 65535;

const bad = (origin: Origin, message: string) => new ConfigError('FANDNS_CONFIG_VALUE', origin, message);

/** One character-string (RFC 1035 §3.3): a length byte and at most 255 bytes of UTF-8. */
function characterString(text: string, origin: Origin, what: string): Buffer {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > 255) throw bad(origin, `${what} is ${size} bytes, more than 255`);
  return txtRdata([text]);
}

/**
 * A record of `type` at `name`, its RDATA checked against the 16-bit length. `claimsName` false:
 * the record does not make its name local (caa-record, dns-rr: dnsmasq 2.90 forwards other types).
 */
function record(name: string, type: number, rdata: Buffer, origin: Origin, option: string, claimsName = true): LocalRecord[] {
  if (rdata.length > MAX_RDATA) throw bad(origin, `${option} data is ${rdata.length} bytes, more than ${MAX_RDATA}`);
  const rec: LocalRecord = { name: localName(name, origin, `${option} name`), type, rdata, ttl: null, origin };
  return [claimsName ? rec : { ...rec, claimsName }];
}

/**
 * `naptr-record=<name>,<order>,<preference>,<flags>,<service>,<regexp>[,<replacement>]`, RDATA
 * as RFC 3403 §4.1 lays it out: ORDER and PREFERENCE (empty reads 0, as in dnsmasq), three
 * character-strings, and REPLACEMENT as an uncompressed name (absent, empty or `.`: the root).
 */
export function parseNaptrRecord(value: string, origin: Origin): LocalRecord[] {
  const fields = splitFields(value);
  if (fields.length < 6 || fields.length > 7) {
    throw bad(origin, 'naptr-record needs <name>,<order>,<preference>,<flags>,<service>,<regexp>[,<replacement>] (quote a field holding a comma)');
  }
  const [name = '', order, pref, flags = '', service = '', regexp = '', replacement = ''] = fields;
  const target = replacement === '' || replacement === '.' ? '' : localName(replacement, origin, 'naptr-record replacement');
  const rdata = Buffer.concat([
    u16(intField(order, 0, origin, 'naptr-record order')),
    u16(intField(pref, 0, origin, 'naptr-record preference')),
    characterString(flags, origin, 'naptr-record flags'),
    characterString(service, origin, 'naptr-record service'),
    characterString(regexp, origin, 'naptr-record regexp'),
    encodeName(target),
  ]);
  return record(name, RRType.NAPTR, rdata, origin, 'naptr-record');
}

/**
 * `caa-record=<name>,<flags>,<tag>,<value>`, RDATA as RFC 8659 §4.1 lays it out: the flags byte,
 * the tag (1-255 letters and digits) with its length, and the value, which is the rest of the
 * line, commas included, as dnsmasq reads it.
 */
export function parseCaaRecord(value: string, origin: Origin): LocalRecord[] {
  const fields = splitFields(value, ',', 4);
  if (fields.length < 4) throw bad(origin, 'caa-record needs <name>,<flags>,<tag>,<value>');
  const [name = '', flags, tag = '', text = ''] = fields;
  const f = intField(flags, 0, origin, 'caa-record flags', 255);
  if (!/^[A-Za-z0-9]{1,255}$/.test(tag)) throw bad(origin, `bad caa-record tag "${tag}": 1 to 255 letters and digits (RFC 8659 §4.1)`);
  const rdata = Buffer.concat([Buffer.from([f, tag.length]), Buffer.from(tag, 'latin1'), Buffer.from(text, 'utf8')]);
  return record(name, RRType.CAA, rdata, origin, 'caa-record', false);
}

/** A type number for dns-rr: a data type (RFC 6895 §3.1), so not 0, OPT, or a query or meta type (128-255). */
function dataType(text: string, origin: Origin): number {
  if (!/^\d+$/.test(text)) {
    const known = typeFromName(text);
    throw bad(origin, `bad dns-rr type "${text}": give the type number${known !== undefined ? ` (${known})` : ''}`);
  }
  const t = Number(text);
  if (t < 1 || t > 0xffff || t === RRType.OPT || (t >= 128 && t <= 255)) {
    throw bad(origin, `bad dns-rr type ${text}: not a data type (1-65535, not 41 or 128-255)`);
  }
  return t;
}

/**
 * `dns-rr=<name>,<RR-number>[,<hex data>]`: a record of any type with RDATA given in hex (the
 * rest of the line; `:`, `-` and spaces may separate bytes). RFC 3597 §5 is how resolvers show it.
 */
export function parseDnsRr(value: string, origin: Origin): LocalRecord[] {
  const fields = splitFields(value, ',', 3);
  if (fields.length < 2) throw bad(origin, 'dns-rr needs <name>,<RR-number>[,<hex data>]');
  const [name = '', typeText = '', hex = ''] = fields;
  const type = dataType(typeText, origin);
  const rdata = hexBytes(hex);
  if (rdata === null) throw bad(origin, `bad dns-rr data "${hex}": hex digits, optionally separated by ':', '-' or spaces`);
  return record(name, type, rdata, origin, 'dns-rr', false);
}
