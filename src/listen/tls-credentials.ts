/**
 * Reads `tls-cert-file=` and `tls-key-file=` for the encrypted listeners: both must be readable
 * PEM, and the key must be the certificate's. A failure is a ConfigError naming the option's line.
 * Read at start (before privileges are dropped), by `--test`, on SIGHUP and when the files change
 * (src/listen/encrypted.ts), where a failure keeps the certificate in use.
 */
import { createSecureContext } from 'node:tls';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { EncryptedListenConfig, PathOption } from '../config/types.js';
import { readOptionFile } from '../config/values.js';

/** Why a file read at start (as root) can be refused on SIGHUP. */
const DENIED_HINT = ' (on SIGHUP it is read as the unprivileged user: let its group read it)';

/** The PEM text the listeners present. */
export interface TlsCredentials {
  readonly cert: string;
  readonly key: string;
}

/** Checks that one file's text holds its PEM block; errors name its line. */
function pemIn(name: string, file: PathOption, text: string, marker: RegExp): void {
  if (!marker.test(text)) throw new ConfigError('FANDNS_CONFIG_VALUE', file.origin, `${name} "${file.path}" holds no PEM ${name === 'tls-key-file' ? 'private key' : 'certificate'}`);
}

/** Runs `check`; its failure becomes an error at `file`'s line (`what`, else the library's words). */
function parsed(name: string, file: PathOption, check: () => unknown, what?: string): void {
  try {
    check();
  } catch (err) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', file.origin, `${name} "${file.path}" ${what ?? `does not parse (${(err as Error).message})`}`);
  }
}

/** Reads and checks the certificate and key of `cfg`. */
export function readTlsCredentials(cfg: EncryptedListenConfig): TlsCredentials {
  const cert = readOptionFile(cfg.certFile.path, cfg.certFile.origin, 'tls-cert-file', DENIED_HINT);
  const key = readOptionFile(cfg.keyFile.path, cfg.keyFile.origin, 'tls-key-file', DENIED_HINT);
  return checkTlsCredentials(cfg, cert, key);
}

/** Checks the text of `cfg`'s two files (read by the caller): PEM that parses, and a key that is the certificate's. */
export function checkTlsCredentials(cfg: EncryptedListenConfig, cert: string, key: string): TlsCredentials {
  pemIn('tls-cert-file', cfg.certFile, cert, /-----BEGIN CERTIFICATE-----/);
  pemIn('tls-key-file', cfg.keyFile, key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  parsed('tls-cert-file', cfg.certFile, () => new X509Certificate(cert));
  parsed('tls-key-file', cfg.keyFile, () => createPrivateKey(key));
  parsed('tls-key-file', cfg.keyFile, () => createSecureContext({ cert, key }), `is not the key of tls-cert-file "${cfg.certFile.path}"`);
  return { cert, key };
}

/** When the certificate (the first in the chain) stops being valid (its notAfter, RFC 5280 §4.1.2.5). */
export function certificateExpiry(creds: TlsCredentials): Date {
  return new Date(new X509Certificate(creds.cert).validTo);
}
