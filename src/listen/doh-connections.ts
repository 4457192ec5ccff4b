/**
 * The established connections of one DNS-over-HTTPS listener, held to `max-tcp-connections` as
 * the TCP and DNS-over-TLS listeners hold theirs (tcp.ts): when a new connection finds every
 * place taken, the connection idle the longest (no request in progress) is closed to make room;
 * when every one has a request in progress, the new one is closed instead (an HTTP/2 session is
 * told GOAWAY, then closes; others are cut). So clients that keep
 * idle HTTP/2 connections open (browsers, phones) cannot lock others out. Connections still in
 * their TLS handshake are bounded apart (twice the limit, tls.ts).
 *
 * A connection is known by its TLS socket. HTTP/2 requests reach it through the session's socket
 * proxy, which passes reads of other properties on to the socket, so the socket carries its
 * entry under a symbol that both HTTP/2 and HTTP/1.1 requests can read.
 */
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';

/** An HTTP/2 session, as far as closing it goes. */
interface Closable {
  close(): void;
}

/** What is known of one connection. */
interface Entry {
  readonly sock: Socket;
  /** Its HTTP/2 session, once a request has shown it (null: HTTP/1.1, or no request yet). */
  session: Closable | null;
  /** Requests in progress. */
  active: number;
  /** performance.now() of the last request's start or end (or of the handshake). */
  last: number;
}

const ENTRY = Symbol('fandns DoH connection');

/** The entry a socket (or the HTTP/2 proxy of one) carries, if it was admitted and is still there. */
function entryOf(sock: object | null | undefined): Entry | undefined {
  try {
    return (sock as Record<symbol, Entry | undefined> | null | undefined)?.[ENTRY];
  } catch {
    return undefined; // the proxy of a session whose socket is gone
  }
}

/** The connections of one DoH listener, at most `max` at once. */
export class DohConnections {
  readonly #open = new Set<Entry>();
  /** Connections closed to make room, and new ones closed because none could be. */
  readonly counters = { evicted: 0, refused: 0 };

  constructor(private readonly max: number) {}

  /** Open connections. */
  get size(): number {
    return this.#open.size;
  }

  /** A handshake completed on `sock`: admits it, making room if need be; false (and `sock` closed) when there is none. */
  admit(sock: Socket): boolean {
    if (this.#open.size >= this.max) {
      let victim: Entry | null = null;
      for (const e of this.#open) if (e.active === 0 && (victim === null || e.last < victim.last)) victim = e;
      if (victim === null) {
        this.counters.refused++;
        sock.destroy();
        return false;
      }
      this.counters.evicted++;
      this.#open.delete(victim);
      // HTTP/2: GOAWAY first, so a client does not send a request into a closing connection.
      if (victim.session !== null) victim.session.close();
      else victim.sock.destroy();
    }
    const e: Entry = { sock, session: null, active: 0, last: performance.now() };
    (sock as unknown as Record<symbol, Entry>)[ENTRY] = e;
    this.#open.add(e);
    sock.once('close', () => this.#open.delete(e));
    return true;
  }

  /**
   * A request started on the connection of `sock` (a request's socket, or its HTTP/2 proxy), on
   * HTTP/2 `session`; returns what ends it.
   */
  begin(sock: object | null | undefined, session: Closable | null = null): () => void {
    const e = entryOf(sock);
    if (e === undefined) return () => {};
    if (session !== null) e.session = session;
    e.active++;
    e.last = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      e.active--;
      e.last = performance.now();
    };
  }

  /** Closes every connection now. */
  destroyAll(): void {
    for (const e of this.#open) e.sock.destroy();
  }
}
