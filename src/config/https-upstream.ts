/**
 * fandns's DNS-over-HTTPS syntax for upstreams (RFC 8484): a `server=` address written
 * `https://HOST[:PORT][/PATH][@SOURCE][,NAME]`, as a URL: HOST an IPv4 address, a bracketed IPv6
 * one or a host name, port 443 and path `/dns-query` unless given, then dnsmasq's `@SOURCE` and, as for `tls://`,
 * the name the server's certificate must carry.
 */
import { ConfigError, type Origin } from '../errors.js';
import { certificateName } from './tls-upstream.js';
import { DOH_PATH } from '../wire/doh.js';

/** The scheme that marks a DNS-over-HTTPS server. */
export const HTTPS_SCHEME = 'https://';

const HTTPS_PORT = 443;

/** An `https://` server split into its address text (as a plain server= writes it), certificate name and path. */
export interface HttpsServerText {
  readonly address: string;
  readonly name: string | null;
  readonly path: string;
}

/**
 * Splits `https://HOST[:PORT][/PATH][@SOURCE][,NAME]`, HOST an address or a host name (looked up
 * through bootstrap-server=). The URL part may carry no user, query or fragment.
 */
export function splitHttpsServer(spec: string, origin: Origin): HttpsServerText {
  const bad = (why: string) => new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad server "${spec}": ${why}`);
  const body = spec.slice(HTTPS_SCHEME.length);
  const comma = body.indexOf(',');
  const beforeName = comma < 0 ? body : body.slice(0, comma);
  const at = beforeName.indexOf('@');
  const urlText = at < 0 ? beforeName : beforeName.slice(0, at);
  if (urlText === '') throw bad('https:// needs an address');
  if (urlText.includes('#')) throw bad(`write the port as in a URL (https://ADDR:PORT/PATH), not with "#"`);
  let url: URL;
  try {
    url = new URL(`${HTTPS_SCHEME}${urlText}`);
  } catch {
    throw bad('not a URL');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') throw bad('the URL may hold only an address, a port and a path');
  // A host name (not an address) is checked by server-spec.ts, which resolves only such servers' names.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? HTTPS_PORT : Number(url.port);
  const source = at < 0 ? '' : beforeName.slice(at);
  const path = url.pathname === '/' ? DOH_PATH : url.pathname;
  const name = comma < 0 ? null : certificateName(body.slice(comma + 1).trim(), spec, origin);
  return { address: `${host}#${port}${source}`, name, path };
}
