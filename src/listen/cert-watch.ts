/**
 * Picks up a renewed certificate for the encrypted listeners without a SIGHUP: `tls-cert-file=` and
 * `tls-key-file=` are read again every minute, and when their text differs from the pair in use
 * and checks out (PEM that parses, the key the certificate's), the pair is handed on. certbot's
 * renewals (a symlink moved to new files) and Kubernetes secret updates (a directory swapped) show
 * up this way, and a SIGHUP, which also empties the cache unless reload-keeps-cache, is not needed.
 *
 * The two files are seldom written at once: a pair that does not check out is looked at again a
 * second later before a warning is logged, and each distinct failure is logged once, not every
 * minute. The files are read as the unprivileged user, as on SIGHUP.
 */
import { readFile } from 'node:fs/promises';
import type { EncryptedListenConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { certificateExpiry, checkTlsCredentials, type TlsCredentials } from './tls-credentials.js';

/** How often the files are read. */
export const CERT_POLL_MS = 60_000;

/** How soon a pair that did not check out is read again before it is warned about. */
const SETTLE_MS = 1000;

/** The watch of one pair of files. */
export class CertificateWatch {
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** The failure last warned about (null: none since the last good look). */
  #warned: string | null = null;
  /** True when the previous look failed and this one is its second chance. */
  #retrying = false;

  /**
   * @param cfg the files, as the configuration names them
   * @param inUse the pair the listeners present now
   * @param renewed given each new pair that checked out, and the files it came from
   * @param pollMs how often to look (tests shorten it)
   */
  constructor(
    private cfg: EncryptedListenConfig,
    private inUse: TlsCredentials,
    private readonly renewed: (creds: TlsCredentials, from: EncryptedListenConfig) => void,
    private readonly log: Logger,
    private readonly pollMs = CERT_POLL_MS,
  ) {
    this.#schedule(pollMs);
  }

  /** A reload read the files (maybe others): watch these, with this pair in use. */
  follow(cfg: EncryptedListenConfig, inUse: TlsCredentials): void {
    this.cfg = cfg;
    this.inUse = inUse;
    this.#warned = null;
  }

  /** Stops looking. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#look(), ms);
    this.#timer.unref();
  }

  async #look(): Promise<void> {
    const cfg = this.cfg;
    let next = this.pollMs;
    try {
      const [cert, key] = await Promise.all([readFile(cfg.certFile.path, 'utf8'), readFile(cfg.keyFile.path, 'utf8')]);
      if (this.#closed || cfg !== this.cfg) return;
      if (cert !== this.inUse.cert || key !== this.inUse.key) {
        this.inUse = checkTlsCredentials(cfg, cert, key);
        this.renewed(this.inUse, cfg);
        this.log.info({ certFile: cfg.certFile.path, notAfter: certificateExpiry(this.inUse).toISOString() }, 'TLS certificate renewed: new connections get it');
      }
      this.#warned = null;
      this.#retrying = false;
    } catch (err) {
      if (this.#closed) return;
      const why = (err as Error).message;
      if (!this.#retrying) {
        this.#retrying = true;
        next = SETTLE_MS;
      } else {
        this.#retrying = false;
        if (why !== this.#warned) this.log.warn({ err: why }, 'cannot take up the TLS certificate files: keeping the certificate in use');
        this.#warned = why;
      }
    } finally {
      this.#schedule(next);
    }
  }
}
