/**
 * What an upstream server tells of each exchange it had, when asked to (dnstap-file with
 * dnstap-messages=forwarder): a hook on the forwarding path that costs one null check when unset.
 */
import type { UpstreamSpec } from '../config/types.js';

/** The protocol an exchange with an upstream server went over: UDP, TCP, DNS over TLS, DNS over HTTPS. */
export type UpstreamProtocol = 'udp' | 'tcp' | 'tls' | 'https';

/**
 * Told of each exchange with an upstream server once it ends: the server, the protocol, the query
 * as fandns handed it to the transport (bytes [12, qEnd) its question) (its ID and the letter case do-0x20-encode gives it are the
 * transport's), the reply (null: none came, a timeout or a network error), and performance.now()
 * when the query was sent. Neither buffer may be kept: the tap copies what it keeps.
 */
export type ForwardTap = (server: UpstreamSpec, protocol: UpstreamProtocol, query: Buffer, qEnd: number, reply: Buffer | null, sentAt: number) => void;

/** The protocol a server's stream transport speaks: DNS over HTTPS for https://, over TLS for tls://, else TCP. */
export function streamProtocol(spec: Pick<UpstreamSpec, 'tls'>): UpstreamProtocol {
  if (spec.tls === undefined) return 'tcp';
  return spec.tls.path === null ? 'tls' : 'https';
}
