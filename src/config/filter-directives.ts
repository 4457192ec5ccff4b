/**
 * Directive rows for query and answer filters (reference §6.5). Part of the table in
 * directives.ts.
 */
import { ConfigError, type Origin } from '../errors.js';
import { RRType, typeFromName } from '../wire/constants.js';
import { asWritten as v, unquoted as u, type Directive } from './directive-kit.js';
import { splitFields } from './lexer.js';
import { localName } from './local-records.js';
import { parseAddressRange } from './values.js';
import { parseAddressAlias } from './address-alias.js';

/** A record type for filter-rr: a name (`AAAA`, `TYPE65`) or a number, as dnsmasq takes it. */
function parseRrType(text: string, o: Origin): number {
  const t = /^\d{1,5}$/.test(text) ? Number(text) : typeFromName(text);
  if (t === undefined || t < 1 || t > 0xffff || t === RRType.OPT) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', o, `filter-rr: "${text}" is not a record type`);
  }
  return t;
}

/** The filter rows, in --help order. */
export const FILTER_DIRECTIVES: readonly Directive[] = [
  { name: 'domain-needed', short: 'D', arg: 'flag', repeat: 'single',
    describe: 'Never forward A/AAAA queries for names without a dot.', apply: (b) => { b.domainNeeded = true; } },
  { name: 'bogus-priv', short: 'b', arg: 'flag', repeat: 'single',
    describe: 'Answer reverse lookups of private addresses NXDOMAIN unless a server= covers them.',
    apply: (b) => { b.bogusPriv = true; } },
  { name: 'filterwin2k', short: 'f', arg: 'flag', repeat: 'single',
    describe: 'Answer SOA, SRV, and ANY for names with "_", with no records instead of forwarding them, unless a domain\'s own server= covers the name.',
    apply: (b) => { b.filterWin2k = true; } },
  { name: 'filter-A', arg: 'flag', repeat: 'single',
    describe: 'Answer A queries with no records (NODATA) instead of forwarding them; local data still answers.',
    apply: (b) => { b.filterTypes.add(RRType.A); } },
  { name: 'filter-AAAA', arg: 'flag', repeat: 'single',
    describe: 'Answer AAAA queries with no records (NODATA) instead of forwarding them; local data still answers.',
    apply: (b) => { b.filterTypes.add(RRType.AAAA); } },
  { name: 'filter-rr', arg: 'value', repeat: 'list', hint: '<type>[,<type>…]',
    describe: 'As filter-A for these record types (names or numbers); ANY trims ANY answers to A, AAAA, MX and CNAME.',
    apply: (b, val, o) => { for (const t of splitFields(v(val))) b.filterTypes.add(parseRrType(t, o)); } },
  { name: 'stop-dns-rebind', arg: 'flag', repeat: 'single',
    describe: 'Reject upstream answers that point into private address space.', apply: (b) => { b.stopDnsRebind = true; } },
  { name: 'rebind-localhost-ok', arg: 'flag', repeat: 'single',
    describe: 'With stop-dns-rebind, allow 127.0.0.0/8 and 0.0.0.0/8 answers.', apply: (b) => { b.rebindLocalhostOk = true; } },
  { name: 'rebind-domain-ok', arg: 'value', repeat: 'list', hint: '[/]<domain>[/<domain>…/]',
    describe: 'Domains exempt from stop-dns-rebind (e.g. the service-discovery domain).',
    apply: (b, val, o) => {
      const text = v(val);
      const names = text.startsWith('/') ? text.slice(1, text.endsWith('/') ? -1 : undefined).split('/') : [text];
      for (const n of names) b.rebindDomainOk.push(n === '' ? '' : localName(n, o, 'rebind-domain-ok domain'));
    } },
  { name: 'bogus-nxdomain', short: 'B', arg: 'value', repeat: 'list', hint: '<ip>[/<prefix>]',
    describe: 'Turn an upstream answer with an address in this range into NXDOMAIN (resolvers that answer for names that do not exist).',
    apply: (b, val, o) => { b.bogusNxdomain.push(parseAddressRange(u(val), o, 'bogus-nxdomain')); } },
  { name: 'alias', short: 'V', arg: 'value', repeat: 'list', hint: '<old-ip>[-<end-ip>],<new-ip>[,<mask>]',
    describe: 'Rewrite IPv4 addresses in upstream answers ("DNS doctoring"): old-ip (or every address under the mask, or in the range) becomes new-ip, keeping the bits outside the mask.',
    apply: (b, val, o) => { b.aliases.push(parseAddressAlias(v(val), o)); } },
  { name: 'ignore-address', arg: 'value', repeat: 'list', hint: '<ip>[/<prefix>]',
    describe: 'Drop an upstream reply with an address in this range and wait for another one (forged answers that arrive first).',
    apply: (b, val, o) => { b.ignoreAddresses.push(parseAddressRange(u(val), o, 'ignore-address')); } },
];
