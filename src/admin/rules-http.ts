/**
 * fandns admin-api over HTTP: reads a /rules request (its body capped at MAX_BODY_BYTES), hands
 * what it asks to the server, and writes the JSON answer; a bad request gets its status (400,
 * 404, 405 with Allow, 413) and a one-line message.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminRequestError, MAX_BODY_BYTES, parseAdminRequest, type AdminRequest } from './rules-request.js';
import { ConfigError } from '../errors.js';

/** What the server answers to a parsed request: an HTTP status and a JSON body. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Carries out one request; `peer` is the client's address, for the log. May answer later (a cluster asks its workers). */
export type AdminHandler = (request: AdminRequest, peer: string) => AdminAnswer | Promise<AdminAnswer>;

/** Reads the whole body as UTF-8, or rejects with 413 past MAX_BODY_BYTES (the rest is read and dropped, so the answer can still be sent). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new AdminRequestError(413, `body larger than ${MAX_BODY_BYTES} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Serves one /rules request with `handle`. */
export function serveRules(req: IncomingMessage, res: ServerResponse, path: string, handle: AdminHandler): void {
  const method = req.method ?? 'GET';
  const reply = (status: number, body: unknown, allow?: string) => {
    if (res.headersSent) return;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (allow) headers.allow = allow;
    res.writeHead(status, headers);
    res.end(method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
  };
  const peer = req.socket.remoteAddress ?? 'unknown';
  const body = method === 'PUT' ? readBody(req) : Promise.resolve(null);
  body
    .then((text) => handle(parseAdminRequest(method, path, text), peer))
    .then((a) => reply(a.status, a.body), (err: Error) => {
      if (err instanceof AdminRequestError) reply(err.status, { error: err.message }, err.allow);
      // The rules asked for do not fit the configuration (a tls:// host name without bootstrap-server=).
      else if (err instanceof ConfigError) reply(400, { error: err.message });
      else reply(500, { error: err.message });
    });
}
