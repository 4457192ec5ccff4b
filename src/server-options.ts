/**
 * How a FandnsServer is embedded in its process: alone (the defaults) or as a cluster worker,
 * which leaves metrics-address to the primary and shares dns-loop-detect marks, health-check
 * results and its cache-file slot with the other workers (src/process/cluster-worker.ts).
 */
import type { Buffer } from 'node:buffer';
import type { CheckSharing } from './upstream/check-sharing.js';
import type { SiblingEntries } from './handlers/refresh-or-fallback.js';

/** How the server is embedded in its process. */
export interface ServerOptions {
  /** Serve metrics-address over HTTP (default true); a cluster worker leaves that to the primary. */
  readonly metricsHttp?: boolean;
  /**
   * dns-loop-detect across cluster workers: the primary's secret for probe IDs, and where to tell
   * the other workers of a server this one found looping (default: a secret of this process's own).
   */
  readonly loops?: { readonly secret: Buffer; readonly announce: (key: string, looped: boolean) => void };
  /** Appended to cache-file's path: a cluster worker's `.N`, so each worker has its own file (default none). */
  readonly cacheFileSuffix?: string;
  /** health-check= across cluster workers: which servers this one checks, where its results go (default: it checks all). */
  readonly checks?: CheckSharing;
  /** serve-stale across cluster workers: the other workers' cache entries, asked on a miss the upstream fails (default: none). */
  readonly siblings?: SiblingEntries;
  /** admin-api in a cluster worker: its runtime rules come from the primary, which keeps admin-rules-file (default: read it here). */
  readonly adminRulesFromPrimary?: boolean;
  /** How often tls-cert-file= and tls-key-file= are read for a renewal, in ms (default a minute; tests shorten it). */
  readonly certPollMs?: number;
}
