/**
 * The encrypted listeners a configuration asks for (`tls-port=`, `https-port=`): one DNS-over-TLS
 * and one DNS-over-HTTPS server per listen address, bound at start with the certificate of
 * `tls-cert-file=`/`tls-key-file=`. A reload reads the two files again and, when they changed,
 * the next handshakes present the new certificate (connections open stay as they are); files that
 * cannot be read then keep the certificate in use, with a warning. A renewal is also taken up
 * without a reload, within a minute (cert-watch.ts). The ports keep their start-up values until a
 * restart.
 */
import type { EncryptedListenConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { listenHttps, type HttpsListener } from './https.js';
import { certificateExpiry, readTlsCredentials, type TlsCredentials } from './tls-credentials.js';
import { CERT_POLL_MS, CertificateWatch } from './cert-watch.js';
import { listenTls, type TlsListener } from './tls.js';
import type { TcpOptions } from './tcp.js';
import type { DatagramHandler } from './udp.js';

import type { EncryptedEndpoint } from '../upstream/self-detect.js';

/** Where one encrypted listener is bound (also what self-detection compares tls:// and https:// servers with). */
export type { EncryptedEndpoint } from '../upstream/self-detect.js';

/** The certificate the encrypted listeners present. */
export interface PresentedCertificate {
  /** tls-cert-file=, as configured. */
  readonly file: string;
  /** When it stops being valid, Unix seconds. */
  readonly notAfter: number;
}

/** The encrypted listeners of one server. */
export class EncryptedListeners {
  readonly #listeners: (TlsListener | HttpsListener)[] = [];
  readonly #endpoints: EncryptedEndpoint[] = [];
  /** The ports as configured at start (a reload cannot move them). */
  #ports: { readonly tls: number | null; readonly https: number | null } | null = null;
  #creds: TlsCredentials | null = null;
  #presented: PresentedCertificate | null = null;
  /** Takes up a renewed certificate without a SIGHUP (cert-watch.ts). */
  #watch: CertificateWatch | null = null;

  /** @param certPollMs how often the certificate files are read for a renewal (tests shorten it) */
  constructor(private readonly log: Logger, private readonly certPollMs = CERT_POLL_MS) {}

  /** Where they listen (with the real ports when 0 was asked for). */
  get endpoints(): readonly EncryptedEndpoint[] {
    return this.#endpoints;
  }

  /** The certificate new handshakes present, or null without encrypted listeners. */
  get certificate(): PresentedCertificate | null {
    return this.#presented;
  }

  /** Reads the certificate and binds each listener on each address; a ConfigError names the file's line. */
  async start(cfg: EncryptedListenConfig | null, addresses: readonly string[], onQuery: DatagramHandler, opts: TcpOptions): Promise<void> {
    if (cfg === null) return;
    const creds = readTlsCredentials(cfg);
    this.#ports = { tls: cfg.tlsPort, https: cfg.httpsPort };
    this.#noteCertificate(cfg, creds);
    for (const address of addresses) {
      if (cfg.tlsPort !== null) this.#bound('tls', address, await listenTls(address, cfg.tlsPort, onQuery, opts, creds));
      if (cfg.httpsPort !== null) this.#bound('https', address, await listenHttps(address, cfg.httpsPort, onQuery, opts, creds));
    }
    this.#watch = new CertificateWatch(cfg, creds, (renewed, from) => this.#present(from, renewed), this.log, this.certPollMs);
  }

  /** The next handshakes present `creds`, read from `cfg`'s files. */
  #present(cfg: EncryptedListenConfig, creds: TlsCredentials): void {
    this.#noteCertificate(cfg, creds);
    for (const l of this.#listeners) l.setCredentials(creds);
  }

  #noteCertificate(cfg: EncryptedListenConfig, creds: TlsCredentials): void {
    this.#creds = creds;
    this.#presented = { file: cfg.certFile.path, notAfter: Math.floor(certificateExpiry(creds).getTime() / 1000) };
  }

  #bound(protocol: 'tls' | 'https', address: string, l: TlsListener | HttpsListener): void {
    this.#listeners.push(l);
    this.#endpoints.push({ protocol, address, port: l.port });
  }

  /** SIGHUP: presents the files' certificate from now on if it changed; keeps the one in use if they cannot be read. */
  reload(cfg: EncryptedListenConfig | null): void {
    const was = this.#ports;
    if (was === null) {
      if (cfg !== null) this.log.warn('tls-port and https-port take effect at the next start, not on SIGHUP');
      return;
    }
    if (cfg === null || cfg.tlsPort !== was.tls || cfg.httpsPort !== was.https) {
      this.log.warn('tls-port and https-port keep their start-up values until a restart');
      if (cfg === null) return;
    }
    let creds: TlsCredentials;
    try {
      creds = readTlsCredentials(cfg);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'keeping the TLS certificate in use');
      return;
    }
    this.#watch?.follow(cfg, creds);
    if (creds.cert === this.#creds?.cert && creds.key === this.#creds.key) return;
    this.#present(cfg, creds);
    this.log.info({ certFile: cfg.certFile.path }, 'TLS certificate reloaded');
  }

  /** Stops accepting; each promise settles once its listener has closed (after destroyConnections, or when clients leave). */
  close(): Promise<void>[] {
    this.#watch?.close();
    return this.#listeners.map((l) => l.close());
  }

  /** Ends every open connection now; the listeners are forgotten. */
  destroyConnections(): void {
    for (const l of this.#listeners.splice(0)) l.destroyConnections();
  }
}
