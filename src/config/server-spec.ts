/**
 * Parsers for the routing directives `server=`, `local=`, `address=` and `rev-server=`
 * (reference §1.1–1.4). They turn one value into domain rules; building the lookup table from the
 * rules is src/routing/'s job.
 */
import { isIP } from 'node:net';
import { ConfigError, type Origin } from '../errors.js';
import { canonicalName, hasNonAscii } from '../wire/name.js';
import { splitTlsServer, TLS_SCHEME } from './tls-upstream.js';
import { HTTPS_SCHEME, splitHttpsServer } from './https-upstream.js';
import type { DomainPattern, DomainRule, RuleAction, UpstreamSpec } from './types.js';

const DEFAULT_DNS_PORT = 53;

/** Parses `#port` text (1–65535). */
export function parsePort(text: string, origin: Origin, what = 'port'): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad ${what} "${text}" (expected 1-65535)`);
  }
  return Number(text);
}

/** Canonicalises and checks one domain (labels 1-63 bytes, name at most 253). */
function checkDomain(name: string, origin: Origin): string {
  const d = canonicalName(name);
  if (d.length > 253 || hasNonAscii(d) || d.split('.').some((l) => l.length === 0 || l.length > 63)) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad domain "${name}"`);
  }
  return d;
}

/** Parses one domain between slashes: `d`, `.d`, `*d`, `*.d`, `#` or empty (unqualified names). */
export function parseDomainPattern(text: string, origin: Origin): DomainPattern {
  if (text === '') return { name: '', match: 'unqualified' };
  if (text === '#') return { name: '', match: 'default' };
  if (text.startsWith('*.')) return { name: checkDomain(text.slice(2), origin), match: 'subdomains' };
  if (text.startsWith('*')) {
    const rest = text.slice(1);
    if (rest === '') throw new ConfigError('FANDNS_CONFIG_VALUE', origin, 'bad wildcard domain "*"');
    return { name: canonicalName(rest), match: 'wildcard' };
  }
  const stripped = text.replace(/^\.+/, '');
  if (stripped === '') return { name: '', match: 'default' };
  return { name: checkDomain(stripped, origin), match: 'suffix' };
}

/**
 * Splits `/d1/d2/rest` into the domain list and the text after the last slash (a `tls://` or
 * `https://` server's slashes are its own).
 */
function splitDomains(value: string, origin: Origin, option: string): { domains: DomainPattern[]; rest: string } {
  const tls = value.indexOf(`/${TLS_SCHEME}`);
  const https = value.indexOf(`/${HTTPS_SCHEME}`);
  const scheme = tls < 0 ? https : https < 0 ? tls : Math.min(tls, https);
  const last = scheme >= 0 ? scheme : value.lastIndexOf('/');
  if (last === 0) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad ${option}: missing closing "/" in "${value}"`);
  const domains = value.slice(1, last).split('/').map((d) => parseDomainPattern(d, origin));
  return { domains, rest: value.slice(last + 1) };
}

/**
 * Parses a server address spec: `ADDR[#PORT][%SCOPE][@SOURCE[#PORT]]`, where SOURCE may be an
 * interface, an address of the same family, or `iface@address`. Returns null for `0.0.0.0`,
 * which dnsmasq silently ignores. fandns: `tls://` before it (and `,NAME` after) makes it a
 * DNS-over-TLS server (tls-upstream.ts); `https://ADDR[:PORT][/PATH]…`, a DNS-over-HTTPS one
 * (https-upstream.ts). Any server may be named by a host name instead of ADDR (`lookup` set): a
 * clear-text one's is looked up when the configuration loads (as dnsmasq 2.88+ does; each address
 * a server: server-names.ts); an encrypted one's through bootstrap-server= at each connection,
 * its certificate checked for that name.
 */
export function parseUpstream(spec: string, origin: Origin): UpstreamSpec | null {
  const encrypted = spec.startsWith(TLS_SCHEME) ? { ...splitTlsServer(spec, origin), path: null }
    : spec.startsWith(HTTPS_SCHEME) ? splitHttpsServer(spec, origin) : null;
  if (encrypted === null) return parsePlain(spec, origin, HOST_NAME);
  if (encrypted.address.includes('://')) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad server "${spec}"`);
  const plain = parsePlain(encrypted.address, origin, DOTTED_HOST_NAME);
  if (plain === null) return null;
  const name = encrypted.name ?? (plain.lookup === undefined ? null : plain.address);
  return { ...plain, tls: { name, path: encrypted.path } };
}

/** One label of a host name: letters, digits and hyphens, not at either end, at most 63. */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

/** A host name of at least `minLabels` (1 or 2) labels, at most 253 characters, the last label not all digits. */
const hostNamePattern = (minLabels: 1 | 2): RegExp => new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)${minLabels === 1 ? '*' : '+'}(?!\\d+$)${LABEL}$`);

/** A host name a clear-text server may be named by (dnsmasq 2.88+): one label or more. */
const HOST_NAME = hostNamePattern(1);

/** A host name an encrypted server may be named by: two labels at least (a certificate names no single label). */
const DOTTED_HOST_NAME = hostNamePattern(2);

/** `ADDR[#PORT][%SCOPE][@SOURCE[#PORT]]`, ADDR an address or a host name that `names` takes (see parseUpstream). */
function parsePlain(spec: string, origin: Origin, names: RegExp): UpstreamSpec | null {
  const at = spec.indexOf('@');
  const addrPart = at < 0 ? spec : spec.slice(0, at);
  const sourcePart = at < 0 ? null : spec.slice(at + 1);
  const hash = addrPart.indexOf('#');
  let host = hash < 0 ? addrPart : addrPart.slice(0, hash);
  const port = hash < 0 ? DEFAULT_DNS_PORT : parsePort(addrPart.slice(hash + 1), origin);
  const pct = host.indexOf('%');
  const scope = pct < 0 ? '' : host.slice(pct);
  if (pct >= 0) host = host.slice(0, pct);
  const fam = isIP(host);
  const hostName = fam === 0 && scope === '' ? canonicalName(host) : null;
  if (fam === 0 && (hostName === null || !names.test(hostName))) {
    const what = names === DOTTED_HOST_NAME ? 'a host name with a dot' : 'a host name';
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad server address "${host}": an IPv4 or IPv6 address, or ${what}, is required`);
  }
  // A host name's family is its source address's, if it has one; it is looked up for that family only.
  let family: 4 | 6 = fam === 0 ? 4 : (fam as 4 | 6);
  if (host === '0.0.0.0' || host === '::') return null;
  let sourceAddress: string | null = null;
  let sourcePort: number | null = null;
  let device: string | null = null;
  if (sourcePart !== null) {
    for (const piece of sourcePart.split('@')) {
      const h = piece.indexOf('#');
      const text = h < 0 ? piece : piece.slice(0, h);
      const srcFam = isIP(text);
      if (srcFam === 0) {
        if (h >= 0 || text === '') throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad source "@${piece}"`);
        if (device !== null) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, 'interface given twice');
        device = text;
        continue;
      }
      if (hostName !== null && sourceAddress === null) family = srcFam as 4 | 6;
      else if (srcFam !== family) {
        throw new ConfigError(
          'FANDNS_CONFIG_VALUE',
          origin,
          `cannot use IPv${family} server address with IPv${srcFam} source address`,
        );
      }
      sourceAddress = text;
      if (h >= 0) sourcePort = parsePort(piece.slice(h + 1), origin, 'source port');
    }
  }
  if (hostName !== null) return { address: hostName, family, port, sourceAddress, sourcePort, device, lookup: sourceAddress === null ? 0 : family, origin };
  return { address: host + scope, family, port, sourceAddress, sourcePort, device, origin };
}

/** The actions without data: one shared object each, not one per line (a block list has 10^5 lines). */
const LOCAL_ONLY: RuleAction = Object.freeze({ kind: 'local-only' });
const USE_DEFAULT: RuleAction = Object.freeze({ kind: 'use-default' });
const NULL_ADDRESS: RuleAction = Object.freeze({ kind: 'null-address' });

/** `server=` and `local=` (exact synonyms in dnsmasq 2.90). */
export function parseServer(value: string, origin: Origin, option = 'server'): DomainRule[] {
  if (value === '') throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `missing value for ${option}`);
  if (!value.startsWith('/')) {
    const server = parseUpstream(value, origin);
    return server ? [{ domain: { name: '', match: 'default' }, action: { kind: 'forward', server }, origin }] : [];
  }
  const { domains, rest } = splitDomains(value, origin, option);
  let action: RuleAction;
  if (rest === '') action = LOCAL_ONLY;
  else if (rest === '#') action = USE_DEFAULT;
  else {
    const server = parseUpstream(rest, origin);
    if (!server) return [];
    action = { kind: 'forward', server };
  }
  return domains.map((domain) => ({ domain, action, origin }));
}

/** `address=/d[/d…]/[ADDR|#]` (reference §1.3). */
export function parseAddress(value: string, origin: Origin): DomainRule[] {
  if (!value.startsWith('/')) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad address: expected /domain/[address], got "${value}"`);
  }
  const { domains, rest } = splitDomains(value, origin, 'address');
  let action: RuleAction;
  if (rest === '') action = LOCAL_ONLY;
  else if (rest === '#') action = NULL_ADDRESS;
  else {
    const fam = isIP(rest);
    if (fam === 0) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad address "${rest}"`);
    action = { kind: 'address', family: fam as 4 | 6, address: rest };
  }
  return domains.map((domain) => ({ domain, action, origin }));
}
