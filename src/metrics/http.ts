/**
 * The metrics HTTP endpoint (`metrics-address=`): GET /metrics (Prometheus text), /health (200
 * with per-upstream state as JSON), /ready (200 once the DNS listeners are bound, else 503),
 * /explain?name=…&type=… (how a question is answered, as JSON; 400 for a bad question); with
 * admin-api, /rules (src/admin/rules-http.ts), else 404 there.
 */
import { createServer, type Server } from 'node:http';
import { ExplainRequestError } from '../explain/explain-request.js';
import { serveRules, type AdminHandler } from '../admin/rules-http.js';
import { isRulesPath } from '../admin/rules-request.js';

/** What the endpoint serves. */
export interface HttpHandlers {
  metrics(): Promise<string>;
  readonly contentType: string;
  /** The /health body; a cluster primary asks its workers, so it may come as a promise. */
  health(): unknown;
  ready(): boolean;
  /** The /explain body for the request's query string (src/explain/). */
  explain(params: URLSearchParams): Promise<unknown>;
  /** admin-api's /rules; absent when admin-api is off (the paths then answer 404). */
  readonly rules?: AdminHandler | undefined;
}

/** Starts the HTTP server; resolves once listening. */
export function startMetricsServer(host: string, port: number, h: HttpHandlers): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://fandns');
    } catch {
      return send(400, 'text/plain', 'bad request\n');
    }
    const path = url.pathname;
    if (isRulesPath(path)) return h.rules ? serveRules(req, res, path, h.rules) : send(404, 'text/plain', 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      h.metrics().then((text) => send(200, h.contentType, text), (err: Error) => send(500, 'text/plain', `${err.message}\n`));
    } else if (path === '/health') {
      Promise.resolve(h.health()).then((body) => send(200, 'application/json', `${JSON.stringify(body)}\n`), (err: Error) => send(500, 'text/plain', `${err.message}\n`));
    } else if (path === '/explain') {
      // Through a promise: a handler that throws at once (a bad question) must still get its 400.
      Promise.resolve(url.searchParams).then((params) => h.explain(params)).then(
        (body) => send(200, 'application/json', `${JSON.stringify(body, null, 1)}\n`),
        (err: Error) => send(err instanceof ExplainRequestError ? 400 : 500, 'text/plain', `${err.message}\n`),
      );
    } else if (path === '/ready') send(h.ready() ? 200 : 503, 'text/plain', h.ready() ? 'ready\n' : 'starting\n');
    else send(404, 'text/plain', 'not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
