/**
 * fandns's DNS-over-TLS syntax (RFC 7858): a `server=` address written `tls://HOST[#PORT][@SOURCE][,NAME]`
 * (HOST an address or a host name; port 853 unless given; NAME: the name the server's certificate
 * must carry, else HOST),
 * and `tls-ca-file=`, the CA certificates those servers are checked against.
 */
import { X509Certificate } from 'node:crypto';
import { ConfigError, type Origin } from '../errors.js';
import { canonicalName } from '../wire/name.js';
import type { TlsCa } from './types.js';
import { absolutePath, readOptionFile } from './values.js';

/** The scheme that marks a DNS-over-TLS server. */
export const TLS_SCHEME = 'tls://';

/** RFC 7858 §3.1: the port DNS over TLS listens on. */
export const DOT_PORT = 853;

/** A `tls://` server split into its address text (as plain server= writes it) and its certificate name. */
export interface TlsServerText {
  readonly address: string;
  readonly name: string | null;
}

/**
 * Splits `tls://ADDR[#PORT][@SOURCE][,NAME]`: the address part gets `#853` when it names no port
 * (before any `@SOURCE`), and NAME must be a host name (an address goes without it).
 */
export function splitTlsServer(spec: string, origin: Origin): TlsServerText {
  const body = spec.slice(TLS_SCHEME.length);
  const comma = body.indexOf(',');
  const addrText = comma < 0 ? body : body.slice(0, comma);
  const nameText = comma < 0 ? null : body.slice(comma + 1).trim();
  if (addrText === '') throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad server "${spec}": tls:// needs an address`);
  const at = addrText.indexOf('@');
  const host = at < 0 ? addrText : addrText.slice(0, at);
  const address = host.includes('#') ? addrText : `${host}#${DOT_PORT}${at < 0 ? '' : addrText.slice(at)}`;
  return { address, name: nameText === null ? null : certificateName(nameText, spec, origin) };
}

/** Checks the `,NAME` of a tls:// or https:// server: a host name (labels of letters, digits and hyphens). */
export function certificateName(text: string, spec: string, origin: Origin): string {
  const name = canonicalName(text);
  const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  if (name === '' || name.length > 253 || !name.split('.').every((l) => label.test(l))) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad server "${spec}": "${text}" is not a host name for the certificate`);
  }
  return name;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Reads `tls-ca-file=PATH`: every certificate in it must parse, and there must be one at least;
 * a file that cannot be read or holds none is a config error at its line.
 */
export function readTlsCa(path: string, origin: Origin): TlsCa {
  const text = readOptionFile(absolutePath(path, origin, 'tls-ca-file'), origin, 'tls-ca-file');
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `tls-ca-file "${path}" holds no PEM certificate`);
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `tls-ca-file "${path}": certificate ${i + 1} does not parse (${(err as Error).message})`);
    }
  });
  return { pem: blocks.join('\n'), path };
}
