/**
 * A scripted DNS-over-HTTPS server (RFC 8484) on 127.0.0.1 for tests: HTTP/2 over TLS with the test
 * CA's certificate (dns.fandns.test and 127.0.0.1). Each POST body is a query for the script, as
 * FakeUpstream's; the script's answer may instead be an HTTP fault: another status or media type,
 * a body of its own, no response at all, the stream refused, or the whole connection sent away
 * (GOAWAY). Every request and connection is recorded. `http1` serves HTTP/1.1 only.
 */
import { createSecureServer, constants, type Http2SecureServer, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { encodeFakeAnswer, seenQuery, type FakeAnswer, type SeenQuery } from './fake-upstream.js';
import { TLS_FIXTURE } from './stunnel.js';

/** An HTTP fault in place of a DNS answer. */
export interface DohFault {
  readonly status?: number;
  readonly contentType?: string;
  /** Send these bytes as the body instead of the answer. */
  readonly body?: Buffer;
  /** Never respond (the stream stays open). */
  readonly hang?: boolean;
  /** Reset the stream with REFUSED_STREAM before responding. */
  readonly refuse?: boolean;
  /** Send GOAWAY (last stream before this one) and close the connection without answering. */
  readonly goaway?: boolean;
}

/** What a DoH script returns. */
export type DohAnswer = FakeAnswer & DohFault;

/** Decides the response to each query. */
export type DohScript = (q: SeenQuery) => DohAnswer;

/** One HTTP request as the server received it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly contentType: string;
  readonly accept: string;
  /** The DNS ID in the body. */
  readonly id: number;
  readonly length: number;
}

/** Server options: HTTP/1.1 only, or a lower SETTINGS_MAX_CONCURRENT_STREAMS. */
export interface FakeDohOptions {
  readonly http1?: boolean;
  readonly maxConcurrentStreams?: number;
}

/** A running fake DoH server. */
export class FakeDohUpstream {
  readonly queries: SeenQuery[] = [];
  readonly requests: SeenRequest[] = [];
  /** SNI names of the TLS connections accepted, in order (null: none sent). */
  readonly connections: (string | null)[] = [];
  #script: DohScript;
  readonly #sessions = new Set<Http2Session>();

  private constructor(private readonly server: Http2SecureServer | HttpsServer, script: DohScript) {
    this.#script = script;
  }

  /** Starts on 127.0.0.1 and a port the kernel picks. */
  static async start(script: DohScript, opts: FakeDohOptions = {}): Promise<FakeDohUpstream> {
    const tls = { cert: readFileSync(TLS_FIXTURE('server.pem')), key: readFileSync(TLS_FIXTURE('server.key')) };
    const server = opts.http1 === true
      ? createHttpsServer(tls)
      : createSecureServer({ ...tls, settings: { maxConcurrentStreams: opts.maxConcurrentStreams ?? 100 } });
    const f = new FakeDohUpstream(server, script);
    server.on('secureConnection', (s: { servername?: string | false }) => f.connections.push(typeof s.servername === 'string' ? s.servername : null));
    if (opts.http1 === true) {
      (server as HttpsServer).on('request', (_req, res) => {
        res.writeHead(505).end();
      });
    } else {
      const h2 = server as Http2SecureServer;
      h2.on('session', (s) => {
        f.#sessions.add(s);
        s.on('close', () => f.#sessions.delete(s));
      });
      h2.on('stream', (stream, headers) => f.#stream(stream, headers));
    }
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return f;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Replaces the script. */
  setScript(s: DohScript): void {
    this.#script = s;
  }

  /** Closes every open connection at once (no GOAWAY), as a server that restarts would. */
  dropConnections(): void {
    for (const s of this.#sessions) s.destroy();
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  #stream(stream: ServerHttp2Stream, headers: Record<string, string | string[] | undefined>): void {
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      this.requests.push({
        method: String(headers[':method']), path: String(headers[':path']), authority: String(headers[':authority']),
        contentType: String(headers['content-type'] ?? ''), accept: String(headers.accept ?? ''),
        id: raw.length >= 2 ? raw.readUInt16BE(0) : -1, length: raw.length,
      });
      const q = seenQuery(raw, 'https', '127.0.0.1', 0);
      if (q === null) return void stream.respond({ ':status': 400 }, { endStream: true });
      this.queries.push(q);
      const a = this.#script(q);
      if (a.hang === true) return;
      if (a.refuse === true) return void stream.close(constants.NGHTTP2_REFUSED_STREAM);
      if (a.goaway === true) {
        const session = stream.session;
        session?.goaway(constants.NGHTTP2_NO_ERROR, Math.max(0, (stream.id ?? 1) - 2));
        return void setTimeout(() => session?.destroy(), 20);
      }
      const send = () => {
        if (stream.destroyed) return;
        const body = a.body ?? encodeFakeAnswer(q, a);
        stream.respond({ ':status': a.status ?? 200, 'content-type': a.contentType ?? 'application/dns-message', 'content-length': body.length });
        stream.end(body);
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  }
}
