/**
 * dnstap (fandns's dnstap-file= or dnstap-socket=): every client query and the reply it got, as
 * dnstap CLIENT_QUERY and CLIENT_RESPONSE messages (wire/dnstap.ts), and with
 * dnstap-messages=forwarder every query sent to an upstream server and its reply
 * (FORWARDER_QUERY, FORWARDER_RESPONSE). Over every protocol (UDP, TCP, DNS over TLS, DNS over
 * HTTPS), unlike the dumpfile. The hot path only copies the messages into a bounded queue;
 * frames are built and written in batches, and dropped and counted when the destination cannot
 * keep up: a Frame Streams file that dnstap-read reads (log/line-sink.ts, dnstap-file.ts), or a
 * collector's socket (log/frame-socket.ts). An exchange is queued when it ends, so a client's
 * messages follow those of the upstream exchange that answered it: readers order by the times.
 */
import { Buffer } from 'node:buffer';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isIP } from 'node:net';
import type { DnstapConfig, UpstreamSpec } from '../config/types.js';
import type { LocalEnd, UpstreamProtocol } from '../upstream/forward-tap.js';
import type { Query } from '../pipeline/query.js';
import { addressBytes } from './address-bytes.js';
import { DNSTAP_CONTENT_TYPE, DNSTAP_PROTOCOL, DnstapKind, dnstapFrame, type DnstapEvent } from '../wire/dnstap.js';
import { prepareDnstapFile } from './dnstap-file.js';
import { FrameSocket } from './frame-socket.js';
import { LineSink } from './line-sink.js';

/**
 * One exchange as queued: a client's query and its reply (CLIENT_*), or a query to an upstream
 * server and its reply (FORWARDER_*). Its asker is the client, or fandns (the address and port
 * of its UDP socket or connection; left out for a query that never left); its answerer fandns
 * (the listening address and port the query came to), or the server.
 */
interface Exchange {
  readonly forwarder: boolean;
  readonly queryMicros: number;
  readonly responseMicros: number;
  readonly query: Buffer;
  /** The reply's bytes, or null: none came or went. */
  readonly reply: Buffer | null;
  /** The asker's address and port ('' and null: not known). */
  readonly asker: string;
  readonly askerPort: number | null;
  /** The answerer's address ('' : not known, or a server named by host name) and port. */
  readonly answerer: string;
  readonly answererPort: number | null;
  readonly protocol: number;
}

/** Bytes of an address text, or null for '' or a host name (a server named so). */
const someAddress = (a: string): Buffer | null => (isIP(a) === 0 ? null : addressBytes(a));

/** Unix microseconds at performance.now() time `t`. */
const unixMicros = (t: number): number => Math.round((performance.timeOrigin + t) * 1000);

/** dnstap-identity, dnstap-version: the text each message carries (null: the default), '' : none. */
function carried(text: string | null, fallback: string): Buffer | null {
  const t = text ?? fallback;
  return t === '' ? null : Buffer.from(t, 'utf8');
}

/** What a dnstap destination tells the operator (logged by the server). */
export interface DnstapEvents {
  /** A reopen of the file (SIGUSR2) failed; frames go on into the file it had. */
  readonly reopenFailed: (err: Error) => void;
  /** The collector took the stream (a socket). */
  readonly connected: () => void;
  /** The collector is away (a socket; the first failure of a run), and why. */
  readonly failed: (err: Error) => void;
}

/** The dnstap messages of one process, and where they go. */
export class DnstapLog {
  readonly #sink: LineSink<Exchange> | FrameSocket<Exchange>;

  /**
   * Opens the file (prepareDnstapFile first) for appending, or connects to the collector.
   * @param version fandns's version, written in every message (`fandns VERSION`) unless dnstap-version says otherwise
   * @param bound most exchanges waiting while a write is in flight (or while the collector is away)
   */
  constructor(c: DnstapConfig, version: string, bound: number, events: DnstapEvents) {
    const identity = carried(c.identity, hostname());
    const ver = carried(c.version, `fandns ${version}`);
    // One event object, refilled for each frame of a batch (frames are built one after another).
    const e: { -readonly [K in keyof DnstapEvent]: DnstapEvent[K] } = {
      kind: 0, family: null, protocol: 0, queryAddress: null, queryPort: null, responseAddress: null, responsePort: null,
      queryMicros: 0, responseMicros: null, message: new Uint8Array(0),
    };
    const batch = (xs: readonly Exchange[]): Buffer => {
      const out: Buffer[] = [];
      for (const x of xs) {
        e.queryAddress = someAddress(x.asker);
        e.queryPort = x.askerPort;
        e.responseAddress = someAddress(x.answerer);
        e.responsePort = x.answererPort;
        const known = e.queryAddress ?? e.responseAddress;
        e.family = known === null ? null : known.length === 16 ? 6 : 4;
        e.protocol = x.protocol;
        e.queryMicros = x.queryMicros;
        e.kind = x.forwarder ? DnstapKind.FORWARDER_QUERY : DnstapKind.CLIENT_QUERY;
        e.responseMicros = null;
        e.message = x.query;
        out.push(dnstapFrame(identity, ver, e));
        if (x.reply === null) continue;
        e.kind = x.forwarder ? DnstapKind.FORWARDER_RESPONSE : DnstapKind.CLIENT_RESPONSE;
        e.responseMicros = x.responseMicros;
        e.message = x.reply;
        out.push(dnstapFrame(identity, ver, e));
      }
      return Buffer.concat(out);
    };
    const t = c.target;
    this.#sink = t.kind === 'file'
      ? new LineSink<Exchange>({ kind: 'file', path: t.path }, bound, batch, 'utf8', { prepare: () => prepareDnstapFile({ path: t.path, origin: c.origin }), reopenFailed: events.reopenFailed })
      : new FrameSocket<Exchange>(t.kind === 'unix' ? { path: t.path } : { host: t.address, port: t.port }, DNSTAP_CONTENT_TYPE, bound, batch, events);
  }

  /**
   * Queues `q`'s message (the query owns it and nobody changes it: no copy) and a copy of `reply`
   * (null: none went out), with the query's and the reply's times. The tap gives client queries
   * only: a cname= target's query goes through the chain, not the dispatcher.
   */
  record(q: Query, reply: Buffer | null): void {
    this.#sink.push({
      forwarder: false,
      queryMicros: unixMicros(q.started),
      responseMicros: unixMicros(performance.now()),
      query: q.msg,
      reply: reply === null ? null : Buffer.from(reply),
      asker: q.client.address,
      askerPort: q.client.port,
      answerer: q.client.localAddress,
      answererPort: q.client.localPort,
      protocol: DNSTAP_PROTOCOL[q.client.protocol],
    });
  }

  /**
   * Queues an exchange with an upstream server (a ForwardTap): copies of the query and the reply.
   * With a reply, the query's copy takes the reply's ID and question bytes (bytes [0, 2) and
   * [12, qEnd)), which are those the query went out with: the transport's fresh ID, and under
   * do-0x20-encode its letter case (a reply that does not echo them is not a reply). Without one
   * it is the query as the transport was given it.
   */
  recordForward(server: UpstreamSpec, protocol: UpstreamProtocol, query: Buffer, qEnd: number, reply: Buffer | null, sentAt: number, local: LocalEnd | null): void {
    const sent = Buffer.from(query);
    if (reply !== null && reply.length >= qEnd) {
      sent[0] = reply[0]!;
      sent[1] = reply[1]!;
      reply.copy(sent, 12, 12, qEnd);
    }
    this.#sink.push({
      forwarder: true,
      queryMicros: unixMicros(sentAt),
      responseMicros: unixMicros(performance.now()),
      query: sent,
      reply: reply === null ? null : Buffer.from(reply),
      // A socket not yet bound or connected has port 0 and the unspecified address: left out.
      asker: local === null || local.port === 0 || local.address === '0.0.0.0' || local.address === '::' ? '' : local.address,
      askerPort: local === null || local.port === 0 ? null : local.port,
      answerer: server.address,
      answererPort: server.port,
      protocol: DNSTAP_PROTOCOL[protocol],
    });
  }

  /** SIGUSR2 (logrotate): once the write in flight is done, appends to the file now at the path, made ready as at start; a collector that is away is tried again now. */
  reopen(): void {
    this.#sink.reopen();
  }

  /** dnstap-socket: whether the collector has the stream now; null for a file. */
  get collectorUp(): boolean | null {
    return this.#sink instanceof FrameSocket ? this.#sink.connected : null;
  }

  /** Exchanges dropped because the destination could not keep up (or the collector was away too long). */
  get lost(): number {
    return this.#sink.lost;
  }

  /** Writes what is queued and closes the file, or ends the stream (STOP, FINISH). */
  close(): Promise<void> {
    return this.#sink.close();
  }
}
