/**
 * The worker side of workers=N: once its server listens, a worker tells the primary (with the
 * endpoints it bound) and from then on answers the primary's requests for its metrics, as
 * prom-client JSON for AggregatorRegistry.aggregate, and for its /health body.
 */
import type { FandnsServer } from '../server.js';
import { isPrimaryRequest, type PrimaryRequest, type WorkerMessage } from './cluster-ipc.js';

/** Sends to the primary; a closed channel (the primary is gone) is not an error here. */
function toPrimary(msg: WorkerMessage): void {
  if (process.connected) process.send!(msg, undefined, undefined, () => {});
}

async function answer(server: FandnsServer, req: PrimaryRequest): Promise<unknown> {
  if (req.what === 'health') return server.health();
  return server.metricsRegistry ? server.metricsRegistry.getMetricsAsJSON() : [];
}

/** Reports that `server` listens and serves the primary's requests. */
export function attachToPrimary(server: FandnsServer): void {
  process.on('message', (m: unknown) => {
    if (!isPrimaryRequest(m)) return;
    answer(server, m).then(
      (body) => toPrimary({ fandns: 'reply', id: m.id, body }),
      (err: Error) => toPrimary({ fandns: 'reply', id: m.id, error: err.message }),
    );
  });
  toPrimary({ fandns: 'started', endpoints: server.endpoints });
}
