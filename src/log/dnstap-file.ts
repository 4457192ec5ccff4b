/**
 * dnstap-file= (fandns): every client query and the reply it got, as dnstap CLIENT_QUERY and
 * CLIENT_RESPONSE messages (wire/dnstap.ts) in a Frame Streams file that dnstap-read and other
 * dnstap tools read. Over every protocol clients use (UDP, TCP, DNS over TLS, DNS over HTTPS),
 * unlike the dumpfile. The hot path only copies the two messages into a bounded queue
 * (log/line-sink.ts); frames are built and written in batches, and dropped and counted when the
 * disk cannot keep up. A file that exists is appended to if it is such a dnstap file, and refused
 * otherwise; SIGUSR2 reopens it, as it does the log.
 */
import { Buffer } from 'node:buffer';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { DnstapConfig } from '../config/types.js';
import type { Query } from '../pipeline/query.js';
import { addressBytes } from './address-bytes.js';
import { DNSTAP_PROTOCOL, DnstapKind, dnstapFrame, isDnstapStart, startFrame, type DnstapEvent } from '../wire/dnstap.js';
import { prepareHeadedFile } from './headed-file.js';
import { LineSink } from './line-sink.js';

/** One answered (or dropped) client query, as queued. */
interface Exchange {
  readonly queryMicros: number;
  readonly responseMicros: number;
  readonly query: Buffer;
  /** The reply's bytes, or null: the query got none. */
  readonly reply: Buffer | null;
  readonly client: string;
  readonly port: number;
  readonly local: string;
  readonly protocol: number;
}

/**
 * Makes the dnstap file ready to be appended to: creates it (mode 0600) with the START frame,
 * writes that frame into an empty file, or checks that an existing file begins with it. Otherwise
 * throws a ConfigError naming the dnstap-file line (exit code 3, as for files).
 */
export function prepareDnstapFile(c: DnstapConfig): void {
  prepareHeadedFile(c.path, startFrame(), isDnstapStart, { code: 'FANDNS_DNSTAP_FILE', option: 'dnstap-file', origin: c.origin, what: 'a dnstap file fandns wrote' });
}

/** The dnstap file of one process. */
export class DnstapFile {
  readonly #sink: LineSink<Exchange>;

  /**
   * Opens the file (prepareDnstapFile first) for appending.
   * @param version fandns's version, written in every message with the host's name as identity
   * @param bound most exchanges waiting while a write is in flight
   * @param reopenFailed told why a reopen (SIGUSR2) failed; frames go on into the file it had
   */
  constructor(c: DnstapConfig, version: string, bound: number, reopenFailed: (err: Error) => void = () => {}) {
    const identity = Buffer.from(hostname(), 'utf8');
    const ver = Buffer.from(`fandns ${version}`, 'utf8');
    // One event object, refilled for each frame of a batch (frames are built one after another).
    const e: { -readonly [K in keyof DnstapEvent]: DnstapEvent[K] } = {
      kind: 0, family: 4, protocol: 0, queryAddress: new Uint8Array(0), queryPort: 0, responseAddress: null,
      queryMicros: 0, responseMicros: null, message: new Uint8Array(0),
    };
    const batch = (xs: readonly Exchange[]): Buffer => {
      const out: Buffer[] = [];
      for (const x of xs) {
        e.queryAddress = addressBytes(x.client);
        e.family = e.queryAddress.length === 16 ? 6 : 4;
        e.protocol = x.protocol;
        e.queryPort = x.port;
        e.responseAddress = x.local === '' ? null : addressBytes(x.local);
        e.queryMicros = x.queryMicros;
        e.kind = DnstapKind.CLIENT_QUERY;
        e.responseMicros = null;
        e.message = x.query;
        out.push(dnstapFrame(identity, ver, e));
        if (x.reply === null) continue;
        e.kind = DnstapKind.CLIENT_RESPONSE;
        e.responseMicros = x.responseMicros;
        e.message = x.reply;
        out.push(dnstapFrame(identity, ver, e));
      }
      return Buffer.concat(out);
    };
    this.#sink = new LineSink<Exchange>({ kind: 'file', path: c.path }, bound, batch, 'utf8', {
      prepare: () => prepareDnstapFile(c),
      reopenFailed,
    });
  }

  /**
   * Queues `q`'s message (the query owns it and nobody changes it: no copy) and a copy of `reply`
   * (null: none went out), with the query's and the reply's times. The tap gives client queries
   * only: a cname= target's query goes through the chain, not the dispatcher.
   */
  record(q: Query, reply: Buffer | null): void {
    const origin = performance.timeOrigin;
    this.#sink.push({
      queryMicros: Math.round((origin + q.started) * 1000),
      responseMicros: Math.round((origin + performance.now()) * 1000),
      query: q.msg,
      reply: reply === null ? null : Buffer.from(reply),
      client: q.client.address,
      port: q.client.port,
      local: q.client.localAddress,
      protocol: DNSTAP_PROTOCOL[q.client.protocol],
    });
  }

  /** SIGUSR2 (logrotate): once the write in flight is done, appends to the file now at the path, made ready as at start. */
  reopen(): void {
    this.#sink.reopen();
  }

  /** Exchanges dropped because the file could not keep up. */
  get lost(): number {
    return this.#sink.lost;
  }

  /** Writes what is queued and closes the file. */
  close(): Promise<void> {
    return this.#sink.close();
  }
}
