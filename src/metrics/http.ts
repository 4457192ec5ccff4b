/**
 * The metrics HTTP endpoint (`metrics-address=`): GET /metrics (Prometheus text), /health (200
 * with per-upstream state as JSON), /ready (200 once the DNS listeners are bound, else 503).
 */
import { createServer, type Server } from 'node:http';

/** What the endpoint serves. */
export interface HttpHandlers {
  metrics(): Promise<string>;
  readonly contentType: string;
  /** The /health body; a cluster primary asks its workers, so it may come as a promise. */
  health(): unknown;
  ready(): boolean;
}

/** Starts the HTTP server; resolves once listening. */
export function startMetricsServer(host: string, port: number, h: HttpHandlers): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      h.metrics().then((text) => send(200, h.contentType, text), (err: Error) => send(500, 'text/plain', `${err.message}\n`));
    } else if (path === '/health') {
      Promise.resolve(h.health()).then((body) => send(200, 'application/json', `${JSON.stringify(body)}\n`), (err: Error) => send(500, 'text/plain', `${err.message}\n`));
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
