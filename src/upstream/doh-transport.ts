/**
 * DNS-over-HTTPS exchanges with one upstream (RFC 8484): one HTTP/2 connection per server (§5.2:
 * HTTP/2 is the least version recommended; fandns speaks no other to an upstream), each query a
 * POST of `application/dns-message` (§4.1) on a stream of its own, many in flight at once, as
 * many as the server's SETTINGS allow (HTTP/2 queues the rest). A query goes with ID 0 (§4.1:
 * clients SHOULD use 0) and padded to 128-octet blocks (RFC 8467 §4.1); its reply gets the query's
 * ID back and must answer its question. A status other than 200, another media type or a reply
 * over 65,535 octets fails the exchange, with the reason kept in `lastError`.
 *
 * The connection closes when idle for a while. A query whose stream the server refused, or whose
 * connection closed before its reply began (a GOAWAY, a reset), is sent again on a fresh
 * connection, twice at most, within its timeout. A connection not made within a query's timeout
 * is dropped, and one on which three queries in a row timed out is given up: the next query dials
 * again (as the TCP transport does).
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import { performance } from 'node:perf_hooks';
import { MAX_MESSAGE } from '../wire/constants.js';
import { DNS_MESSAGE, mediaType } from '../wire/doh.js';
import { padQuery } from '../wire/edns-padding.js';
import { answersQuery } from '../wire/reply-match.js';
import type { Dialer, StreamTransport } from './tcp-transport.js';
import { MAX_WAITING, type ResultCallback, type UdpResult } from './udp-transport.js';
import { localEndOf, type LocalEnd } from './forward-tap.js';

const IDLE_MS = 10_000;
const MAX_RETRIES = 2;
const SILENT_TIMEOUTS = 3;

/** The local end of an HTTP/2 session's connection, or null: its socket is gone (Node throws ERR_HTTP2_SOCKET_UNBOUND then). */
function sessionLocal(session: ClientHttp2Session): LocalEnd | null {
  try {
    return localEndOf(session.socket);
  } catch {
    return null;
  }
}

/** One HTTP/2 connection and what the transport knows of it. */
interface Connection {
  readonly session: ClientHttp2Session;
  /** True once its TLS and HTTP/2 handshakes were done. */
  connected: boolean;
  /** Queries timed out in a row on it since its last reply. */
  silent: number;
}

/** A stream that ended without a reply because its connection went away: worth another connection. */
const AGAIN = 'again';

/** An HTTP/2 response's headers, `:status` among them. */
type ResponseHead = IncomingHttpHeaders & IncomingHttpStatusHeader;

/** The outcome of one request: a result, or AGAIN. */
type Attempt = UdpResult | typeof AGAIN;

/** DNS over HTTPS to one server; the same contract as TcpTransport (StreamTransport). */
export class DohTransport implements StreamTransport {
  /** Why the latest exchange failed (a certificate error, an HTTP status…), until a reply comes. */
  lastError: string | null = null;
  #conn: Connection | null = null;
  #inFlight = 0;
  #shut = false;
  readonly #dial: Dialer;
  readonly #authority: string;
  readonly #path: string;

  /**
   * @param dial opens the TLS connection, offering ALPN `h2` (tls-dial.ts)
   * @param authority the URL origin sent as `:authority`: `https://NAME:PORT`, or the address
   * @param path the request path (`/dns-query`)
   */
  constructor(dial: Dialer, authority: string, path: string) {
    this.#dial = dial;
    this.#authority = authority;
    this.#path = path;
  }

  /** Sends `query` (its question ending at `qEnd`); `done` gets the reply, 'timeout' or 'network', once. */
  send(query: Buffer, qEnd: number, timeoutMs: number, done: ResultCallback): void {
    if (this.#shut || this.#inFlight >= MAX_WAITING) return done('network');
    const padded = padQuery(query);
    const body = padded === query ? Buffer.from(query) : padded;
    body[0] = 0;
    body[1] = 0;
    const sent: { local: LocalEnd | null } = { local: null };
    void this.#send(body, query, qEnd, timeoutMs, sent).then((r) => done(r, sent.local));
  }

  /** The exchange, on a new connection when one closes under it; `sent.local` is the local end of the last connection used. */
  async #send(body: Buffer, query: Buffer, qEnd: number, timeoutMs: number, sent: { local: LocalEnd | null }): Promise<UdpResult> {
    const started = performance.now();
    let r = await this.#request(body, query, qEnd, timeoutMs, sent);
    for (let retry = 0; retry < MAX_RETRIES && r === AGAIN && !this.#shut; retry++) {
      const left = timeoutMs - (performance.now() - started);
      if (left <= 0) return 'timeout';
      r = await this.#request(body, query, qEnd, left, sent);
    }
    if (r === AGAIN) return 'network';
    if (typeof r !== 'string') this.lastError = null;
    return r;
  }

  /** Closes the connection; waiting queries resolve as 'network' and are not sent again. */
  close(): void {
    this.#shut = true;
    this.#conn?.session.destroy();
    this.#conn = null;
  }

  /** One POST on the current connection (opening one if needed); `sent.local` is that connection's local end once settled. */
  #request(body: Buffer, query: Buffer, qEnd: number, timeoutMs: number, sent: { local: LocalEnd | null }): Promise<Attempt> {
    const conn = this.#connection();
    this.#inFlight++;
    return new Promise<Attempt>((resolve) => {
      let settled = false;
      const finish = (r: Attempt, why: string | null = null) => {
        if (settled) return;
        settled = true;
        sent.local = sessionLocal(conn.session);
        clearTimeout(timer);
        this.#inFlight--;
        if (why !== null) this.lastError = why;
        resolve(r);
      };
      const timer = setTimeout(() => {
        stream?.close(constants.NGHTTP2_CANCEL);
        finish('timeout');
        this.#timedOut(conn);
      }, timeoutMs);
      let stream: ClientHttp2Stream;
      try {
        stream = conn.session.request({
          ':method': 'POST', ':path': this.#path, 'content-type': DNS_MESSAGE, accept: DNS_MESSAGE, 'content-length': body.length,
        });
      } catch (err) {
        // The connection was closing: the query goes on another one.
        this.#drop(conn);
        return finish(AGAIN, (err as Error).message);
      }
      let head: ResponseHead | null = null;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('response', (h) => {
        head = h;
      });
      stream.on('data', (d: Buffer) => {
        size += d.length;
        if (size <= MAX_MESSAGE) return void chunks.push(d);
        stream.close(constants.NGHTTP2_CANCEL);
        finish('network', `reply over ${MAX_MESSAGE} octets`);
      });
      stream.on('end', () => {
        // Ended with no response: its connection went away ('close' follows, and judges).
        if (head === null) return;
        const r = judge(head, Buffer.concat(chunks, Math.min(size, MAX_MESSAGE)), query, qEnd);
        if (typeof r === 'string') return finish('network', r);
        conn.silent = 0;
        finish(r);
      });
      stream.on('error', (err: Error) => {
        this.lastError = err.message;
      });
      // A stream that closes unanswered: refused (the connection stays), or its connection gone after it was made.
      stream.on('close', () => {
        if (settled) return;
        const refused = stream.rstCode === constants.NGHTTP2_REFUSED_STREAM;
        if (!refused || conn.session.closed || conn.session.destroyed) this.#drop(conn);
        finish(head === null && !this.#shut && (conn.connected || refused) ? AGAIN : 'network');
      });
      stream.end(body);
    });
  }

  /**
   * A query timed out on `conn`. Not yet connected within a query's time: it is dropped, so the
   * next query dials again. Connected, with SILENT_TIMEOUTS in a row and no reply between: it is
   * closed once its other streams are done, and the next query gets a new one.
   */
  #timedOut(conn: Connection): void {
    if (conn.connected && ++conn.silent < SILENT_TIMEOUTS) return;
    this.#drop(conn);
    if (conn.connected) conn.session.close();
    else conn.session.destroy();
  }

  /** Sends nothing more on `conn`: the next query opens a new connection. */
  #drop(conn: Connection): void {
    if (this.#conn === conn) this.#conn = null;
  }

  #connection(): Connection {
    const c = this.#conn;
    if (c !== null && !c.session.closed && !c.session.destroyed) return c;
    const session = connect(this.#authority, { createConnection: () => this.#dial(), settings: { enablePush: false } });
    const conn: Connection = { session, connected: false, silent: 0 };
    session.once('connect', () => {
      conn.connected = true;
    });
    session.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    session.once('close', () => {
      if (this.#conn === conn) this.#conn = null;
    });
    // No stream for a while: the connection goes (a server would close it soon anyway).
    session.setTimeout(IDLE_MS, () => session.close());
    this.#conn = conn;
    return conn;
  }
}

/**
 * The reply in an HTTP response, with the query's ID put back, or why it is none: a status other
 * than 200, a media type other than application/dns-message (RFC 8484 §4.2.1), a body that does
 * not answer the query's question.
 */
function judge(head: ResponseHead | null, msg: Buffer, query: Buffer, qEnd: number): Buffer | string {
  const status = head?.[':status'];
  if (status !== 200) return `HTTP status ${status ?? 'none'}`;
  const type = mediaType(head!['content-type']);
  if (type !== DNS_MESSAGE) return `reply of type "${type}", not ${DNS_MESSAGE}`;
  if (msg.length >= 2) {
    msg[0] = query[0]!;
    msg[1] = query[1]!;
  }
  return answersQuery(msg, query, qEnd) ? msg : 'reply does not answer the query';
}
