/**
 * The counters each upstream server keeps (SIGUSR1 stats, /metrics): queries, answers, failures
 * by kind, RCODEs, RTTs and health checks. A reload carries them over (CarriedUpstream).
 */
import type { TlsHandshakes } from './tls-dial.js';

/** Per-upstream counters (SIGUSR1 stats, metrics). */
export interface UpstreamStats {
  queries: number;
  answers: number;
  failures: number;
  timeouts: number;
  malformed: number;
  /** Replies dropped by ignore-address. */
  ignored: number;
  /** Replies dropped because their ECS option did not match the query's (RFC 7871 §7.3). */
  ecsMismatch: number;
  tcpRetries: number;
  /** Copies of UDP queries sent while their reply had not come (fast-dns-retry). */
  resent: number;
  /** Replies by their header RCODE (RFC 1035 §4.1.1; the 4 bits, not EDNS's extended RCODE), late ones included. */
  readonly rcodes: Float64Array;
  rttTotalMs: number;
  /** RTT histogram: counts per RTT_BOUNDS bucket (non-cumulative), last slot for larger. */
  rttBuckets: Float64Array;
  /** Health checks (health-check=) that were good; not counted in `queries`. */
  checksOk: number;
  /** Health checks that failed (an error RCODE, a timeout, a malformed reply). */
  checksFailed: number;
  /** tls:// servers: TLS handshakes that completed (a full handshake, or a resumed session) and that failed. */
  readonly tls: TlsHandshakes;
}

/** Upstream RTT histogram bounds in seconds. */
export const RTT_BOUNDS = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048];

/** Upstream counters at zero. */
export const upstreamStats = (): UpstreamStats => ({
  queries: 0, answers: 0, failures: 0, timeouts: 0, malformed: 0, ignored: 0, ecsMismatch: 0, tcpRetries: 0, resent: 0, rcodes: new Float64Array(16), rttTotalMs: 0,
  rttBuckets: new Float64Array(RTT_BOUNDS.length + 1), checksOk: 0, checksFailed: 0, tls: { full: 0, resumed: 0, failed: 0, notAfter: 0 },
});
