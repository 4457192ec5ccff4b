/**
 * DNS over HTTPS listener (RFC 8484): HTTP/2, and HTTP/1.1 for clients without it, over TLS 1.2 or
 * later. Each request carries one query (doh-request.ts says which, or which HTTP error); the
 * reply goes back as `application/dns-message` with a `cache-control: max-age` no longer than its
 * smallest TTL (§5.1), padded when it carries EDNS (RFC 8467 §4.1). A query fandns does not answer
 * (refused by local-service, say) gets 403. Established connections are held to
 * max-tcp-connections, the one idle the longest making room for a new one (doh-connections.ts);
 * with handshakes, at most twice that; idle ones close after the TCP idle time.
 */
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { LATER, type Dispatched } from '../pipeline/dispatch.js';
import type { Client } from '../pipeline/query.js';
import { padReply } from '../wire/edns-padding.js';
import { MAX_MESSAGE } from '../wire/constants.js';
import { DNS_MESSAGE } from '../wire/doh.js';
import { checkBody, dohQuery, isRefusal, replyMaxAge, TOO_BIG, type DohRefusal } from './doh-request.js';
import { DohConnections } from './doh-connections.js';
import { listening, type TcpOptions } from './tcp.js';
import { guardServiceTls, serviceTlsOptions } from './tls.js';
import type { DatagramHandler } from './udp.js';

/** A DNS-over-HTTPS listener. */
export interface HttpsListener {
  /** The bound port. */
  readonly port: number;
  /** Changes the certificate for the next handshakes. */
  setCredentials(creds: SecureContextOptions): void;
  /** Stops accepting; resolves once closed (after destroyConnections, or when clients leave). */
  close(): Promise<void>;
  /** Ends every open connection now. */
  destroyConnections(): void;
}

/** Sends an HTTP error. */
function refuse(res: Http2ServerResponse, r: DohRefusal): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8', ...(r.status === 405 ? { allow: 'GET, POST' } : {}) });
  res.end(`${r.reason}\n`);
}

/** Sends the DNS reply, or 403 when there is none. */
function answer(res: Http2ServerResponse, out: Dispatched): void {
  if (res.destroyed || res.headersSent) return;
  if (out === null) return refuse(res, { status: 403, reason: 'no answer for this client or query' });
  const body = padReply(out);
  res.writeHead(200, { 'content-type': DNS_MESSAGE, 'content-length': body.length, 'cache-control': `max-age=${replyMaxAge(out)}` });
  res.end(body);
}

/**
 * Reads a POST's body (at most MAX_MESSAGE octets, within `frameMs`) and hands it to `ask`; a body
 * too big gets 413 at once, and one not whole in time ends the stream.
 */
function readBody(req: Http2ServerRequest, res: Http2ServerResponse, frameMs: number, ask: (msg: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(() => req.destroy(), frameMs);
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_MESSAGE) return void chunks.push(c);
    clearTimeout(timer);
    // Once the refusal is out, the rest of the body is not read.
    res.once('finish', () => req.destroy());
    req.pause();
    refuse(res, TOO_BIG);
  });
  req.on('end', () => {
    clearTimeout(timer);
    if (size > MAX_MESSAGE) return;
    const body = checkBody(Buffer.concat(chunks, size));
    if (isRefusal(body)) refuse(res, body);
    else ask(body);
  });
  req.on('error', () => clearTimeout(timer));
}

/** The socket a request came on (for HTTP/2, the session's proxy of it), or null once its session is gone. */
function requestSocket(req: Http2ServerRequest): object | null {
  try {
    return req.socket;
  } catch {
    return null; // the HTTP/2 session was destroyed under the request
  }
}

/** Starts a DNS-over-HTTPS server on address:port with `creds`. Resolves once listening. */
export async function listenHttps(address: string, port: number, onQuery: DatagramHandler, opts: TcpOptions, creds: SecureContextOptions): Promise<HttpsListener> {
  const sockets = new Set<Socket>();
  const ask = (req: Http2ServerRequest, res: Http2ServerResponse) => (msg: Buffer): void => {
    const sock = req.socket;
    const client: Client = { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0, protocol: 'https', localAddress: address, localPort: sock.localPort ?? 0, reply: (out) => answer(res, out) };
    const r = onQuery(msg, client);
    if (r !== LATER) answer(res, r);
  };
  const conns = new DohConnections(opts.maxConnections);
  const server = createSecureServer({ ...serviceTlsOptions(creds, opts), allowHTTP1: true }, (req, res) => {
    res.once('close', conns.begin(requestSocket(req)));
    const q = dohQuery({ method: req.method, url: req.url, contentType: req.headers['content-type'] });
    if (q === 'body') readBody(req, res, opts.frameMs, ask(req, res));
    else if (isRefusal(q)) refuse(res, q);
    else ask(req, res)(q);
  });
  const setCredentials = guardServiceTls(server, opts);
  server.setTimeout(opts.idleMs);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('session', (session) => conns.opened(session));
  server.on('secureConnection', (s: Socket) => conns.admit(s));
  server.on('sessionError', () => {});
  await listening(server, address, port, null);
  return {
    port: (server.address() as AddressInfo).port,
    setCredentials,
    close: () => new Promise<void>((r) => server.close(() => r())),
    destroyConnections: () => {
      for (const s of sockets) s.destroy();
    },
  };
}
