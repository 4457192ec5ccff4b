/**
 * The established connections of one DNS-over-HTTPS listener, held to `max-tcp-connections` as
 * the TCP and DNS-over-TLS listeners hold theirs (makeRoom in tcp.ts): when a new connection finds every
 * place taken, the connection idle the longest (no request in progress) is closed to make room;
 * when every one has a request in progress, the new one is closed instead. A closed HTTP/2
 * connection is told GOAWAY first; an HTTP/1.1 one is cut. So clients that keep idle HTTP/2
 * connections open (browsers, phones) cannot lock others out. Connections still in their TLS
 * handshake are bounded apart (twice the limit, tls.ts).
 *
 * A connection is known by its TLS socket. HTTP/2 sessions and requests reach it through a proxy
 * that passes reads and writes of other properties on to the socket, so the socket carries its
 * session and its entry under symbols: Node opens the session before the listener sees the
 * socket, and requests of both HTTP versions can read the entry.
 */
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { makeRoom, type Occupant } from './tcp.js';

/** An HTTP/2 session, as far as closing it goes (close(): GOAWAY, then the socket closes once no stream is open). */
interface Closable {
  close(): void;
}

/** An HTTP/2 session as the server's 'session' event gives it. */
interface OpenedSession extends Closable {
  readonly socket: object;
}

/** What is known of one connection. */
interface Entry extends Occupant {
  readonly sock: Socket;
  /** Its HTTP/2 session (null: HTTP/1.1). */
  session: Closable | null;
  /** Requests in progress. */
  inFlight: number;
  /** performance.now() of the last request's start or end (or of the handshake). */
  lastActivity: number;
}

const ENTRY = Symbol('fandns DoH connection');
const SESSION = Symbol('fandns DoH session');

/** What a socket (or a proxy of one) carries under `key`, if it is there and the socket still is. */
function carried<T>(sock: object | null | undefined, key: symbol): T | undefined {
  try {
    return (sock as Record<symbol, T | undefined> | null | undefined)?.[key];
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

  /** Node opened an HTTP/2 session on a new connection (Node 20 to 24: before admit() sees its socket). */
  opened(session: OpenedSession): void {
    const admitted = carried<Entry>(session.socket, ENTRY);
    if (admitted !== undefined) return void (admitted.session = session);
    try {
      (session.socket as Record<symbol, Closable>)[SESSION] = session;
    } catch {
      // the socket is already gone; admit() will not see it either
    }
  }

  /** A handshake completed on `sock`: admits it, making room if need be; false (and `sock` closed) when there is none. */
  admit(sock: Socket): boolean {
    // HTTP/2: GOAWAY first, so a client does not send a request into a closing connection.
    if (!makeRoom(this.#open, this.max, this.counters, (victim) => (victim.session !== null ? victim.session.close() : victim.sock.destroy()))) {
      sock.destroy();
      return false;
    }
    const e: Entry = { sock, session: carried<Closable>(sock, SESSION) ?? null, inFlight: 0, lastActivity: performance.now() };
    (sock as unknown as Record<symbol, Entry>)[ENTRY] = e;
    this.#open.add(e);
    sock.once('close', () => this.#open.delete(e));
    return true;
  }

  /** A request started on the connection of `sock` (a request's socket, or its HTTP/2 proxy); returns what ends it. */
  begin(sock: object | null | undefined): () => void {
    const e = carried<Entry>(sock, ENTRY);
    if (e === undefined) return () => {};
    e.inFlight++;
    e.lastActivity = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      e.inFlight--;
      e.lastActivity = performance.now();
    };
  }
}
