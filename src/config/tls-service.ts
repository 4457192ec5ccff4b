/**
 * fandns's encrypted listeners: `tls-port=N` answers DNS over TLS (RFC 7858) and `https-port=N`
 * DNS over HTTPS (RFC 8484) on every listen address, with the certificate chain in
 * `tls-cert-file=` and its private key in `tls-key-file=`. Part of the directive table in
 * directives.ts; the files are read by src/listen/tls-credentials.ts, the listeners are
 * src/listen/tls.ts and src/listen/https.ts.
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import { int, unquoted, type Directive } from './directive-kit.js';
import type { EncryptedListenConfig, PathOption } from './types.js';
import { absolutePath } from './values.js';

/** A port option's value and line. */
interface PortLine {
  readonly value: number;
  readonly origin: Origin;
}

/** What the four options collected. */
export class TlsServiceLines {
  tlsPort: PortLine | null = null;
  httpsPort: PortLine | null = null;
  certFile: PathOption | null = null;
  keyFile: PathOption | null = null;

  /**
   * The encrypted listeners (null: none). A port without both files is an error at the port's
   * line; the two ports, or one of them and `port` (the plain DNS port), may not be the same number
   * (0, an ephemeral port, excepted). Files without a port are a warning.
   */
  build(plainPort: number, warnings: string[]): EncryptedListenConfig | null {
    const ports = [this.tlsPort, this.httpsPort].filter((p): p is PortLine => p !== null);
    if (ports.length === 0) {
      const file = this.certFile ?? this.keyFile;
      if (file) warnings.push(`${formatOrigin(file.origin)}: tls-cert-file and tls-key-file are used only with tls-port or https-port`);
      return null;
    }
    for (const p of ports) {
      const name = p === this.tlsPort ? 'tls-port' : 'https-port';
      if (!this.certFile || !this.keyFile) throw new ConfigError('FANDNS_CONFIG_CONFLICT', p.origin, `${name} needs tls-cert-file and tls-key-file`);
      if (p.value !== 0 && p.value === plainPort) throw new ConfigError('FANDNS_CONFIG_CONFLICT', p.origin, `${name}=${p.value} is the port plain DNS answers on`);
    }
    const [tls, https] = [this.tlsPort, this.httpsPort];
    if (tls && https && tls.value !== 0 && tls.value === https.value) {
      throw new ConfigError('FANDNS_CONFIG_CONFLICT', https.origin, `https-port=${https.value} is tls-port's too (${formatOrigin(tls.origin)})`);
    }
    return { tlsPort: tls?.value ?? null, httpsPort: https?.value ?? null, certFile: this.certFile!, keyFile: this.keyFile! };
  }
}

/** A file option's value and line. */
const pathOption = (name: string, val: string | null, o: Origin): PathOption => ({ path: absolutePath(unquoted(val), o, name), origin: o });

/** The four directives. */
export const TLS_SERVICE_DIRECTIVES: readonly Directive[] = [
  { name: 'tls-port', arg: 'value', repeat: 'single', hint: '<port>',
    describe: 'fandns: also answer DNS over TLS (RFC 7858) on this port at every listen address (853 is the standard one); needs tls-cert-file and tls-key-file.',
    apply: (b, val, o) => { b.tlsService.tlsPort = { value: int('tls-port', 0, 65535)(val, o), origin: o }; } },
  { name: 'https-port', arg: 'value', repeat: 'single', hint: '<port>',
    describe: 'fandns: also answer DNS over HTTPS (RFC 8484, path /dns-query, HTTP/2 and HTTP/1.1) on this port at every listen address; needs tls-cert-file and tls-key-file.',
    apply: (b, val, o) => { b.tlsService.httpsPort = { value: int('https-port', 0, 65535)(val, o), origin: o }; } },
  { name: 'tls-cert-file', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'fandns: PEM certificate chain (the server certificate first) that tls-port and https-port present; read again every minute and on SIGHUP (a renewal goes to new connections).',
    apply: (b, val, o) => { b.tlsService.certFile = pathOption('tls-cert-file', val, o); } },
  { name: 'tls-key-file', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'fandns: PEM private key of tls-cert-file; read again as tls-cert-file is (as the unprivileged user).',
    apply: (b, val, o) => { b.tlsService.keyFile = pathOption('tls-key-file', val, o); } },
];
