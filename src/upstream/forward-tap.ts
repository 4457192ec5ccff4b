/**
 * What an upstream server tells of each exchange it had, when asked to (dnstap with
 * dnstap-messages=forwarder): a hook on the forwarding path that costs one null check when unset.
 */
import type { UpstreamSpec } from '../config/types.js';

/** The protocol an exchange with an upstream server went over: UDP, TCP, DNS over TLS, DNS over HTTPS. */
export type UpstreamProtocol = 'udp' | 'tcp' | 'tls' | 'https';

/**
 * Told of each exchange with an upstream server once it ends: the server, the protocol, the query
 * as fandns handed it to the transport (bytes [12, qEnd) its question; the ID and the letter case
 * do-0x20-encode give it are the transport's), the reply (null: none came, a timeout or a network
 * error), performance.now()
 * when the query was sent, and fandns's end of the exchange: the address and port of the UDP
 * socket, or of the TCP, TLS or HTTPS connection (null for a query that never left). Neither
 * buffer may be kept: the tap copies what it keeps.
 */
export type ForwardTap = (server: UpstreamSpec, protocol: UpstreamProtocol, query: Buffer, qEnd: number, reply: Buffer | null, sentAt: number, local: LocalEnd | null) => void;

/** fandns's address and port on an exchange. */
export interface LocalEnd {
  readonly address: string;
  readonly port: number;
}

/** The local end of a connected socket, or null before it is bound. */
export function localEndOf(sock: { readonly localAddress?: string | undefined; readonly localPort?: number | undefined }): LocalEnd | null {
  const { localAddress: address, localPort: port } = sock;
  return address === undefined || port === undefined ? null : { address, port };
}

/** The protocol a server's stream transport speaks: DNS over HTTPS for https://, over TLS for tls://, else TCP. */
export function streamProtocol(spec: Pick<UpstreamSpec, 'tls'>): UpstreamProtocol {
  if (spec.tls === undefined) return 'tcp';
  return spec.tls.path === null ? 'tls' : 'https';
}
