/**
 * Opens DNS-over-TLS connections to one server (RFC 7858 §3.1–3.2, strict privacy profile of
 * RFC 8310 §5): the certificate must chain to a trusted CA (Node's bundled list, or tls-ca-file=) and
 * carry the configured name, or the server's IP address when none is configured; a connection that
 * fails either check carries no query. SNI is sent only for a name (RFC 6066 §3: never an address).
 * The latest session ticket is offered on the next connection, so a reconnect resumes instead of
 * doing a full handshake (RFC 8446 §2.2; RFC 7858 §3.4 asks for fewer round trips).
 */
import { connect, createSecureContext, type ConnectionOptions } from 'node:tls';
import type { TlsCa, TlsPeer, UpstreamSpec } from '../config/types.js';
import type { HostLookup } from './host-lookup.js';
import { connectOptions, type Dialer } from './tcp-transport.js';
import type { UdpTarget } from './udp-transport.js';

/** TLS handshakes with one server, by outcome (fandns_upstream_tls_handshakes_total). */
export interface TlsHandshakes {
  /** Completed with a full handshake. */
  full: number;
  /** Completed by resuming an earlier session. */
  resumed: number;
  /** Ended before completing: a refused or lost connection, a certificate that failed its check. */
  failed: number;
  /** When the certificate the server presented at the latest handshake stops being valid, Unix seconds (0: none yet). */
  notAfter: number;
}

/**
 * A Dialer for `target` over TLS, checked against `peer`'s name and `ca` (null: Node's bundled
 * CAs), counting each handshake's outcome in `counts`; `alpn` the protocols offered (RFC 7301),
 * none for DNS over TLS; `hosts` looks up a target named by a host name.
 */
export function tlsDialer(target: UdpTarget & Pick<UpstreamSpec, 'lookup'>, peer: TlsPeer, ca: TlsCa | null, counts: TlsHandshakes, alpn: string[] = [], hosts: HostLookup | null = null): Dialer {
  let session: Buffer | undefined;
  // One context for every connection: built per connection, it parsed the CAs each time.
  const secureContext = createSecureContext({ minVersion: 'TLSv1.2', ...(ca !== null ? { ca: ca.pem } : {}) });
  // TLS connects the TCP connection itself, with the plain dialer's options (the source address, a
  // host name's lookup): a socket of ours handed to it instead crashes Node 20 (SIGSEGV) once
  // autoSelectFamily moves on from an address that refused. `host` is what the certificate is
  // checked for when no name is given.
  const base: ConnectionOptions = {
    ...connectOptions(target, hosts),
    secureContext,
    ...(peer.name !== null ? { servername: peer.name } : {}),
    ...(alpn.length > 0 ? { ALPNProtocols: alpn } : {}),
  };
  return () => {
    const socket = connect(session !== undefined ? { ...base, session } : base);
    socket.setNoDelay(true);
    socket.on('session', (s: Buffer) => {
      session = s;
    });
    let done = false;
    socket.once('secureConnect', () => {
      done = true;
      if (socket.isSessionReused()) counts.resumed++;
      else counts.full++;
      const notAfter = Date.parse(socket.getPeerCertificate().valid_to ?? '');
      if (Number.isFinite(notAfter)) counts.notAfter = Math.floor(notAfter / 1000);
    });
    socket.once('close', () => {
      if (!done) counts.failed++;
    });
    return socket;
  };
}
