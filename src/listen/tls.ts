/**
 * DNS over TLS listener (RFC 7858): TCP's framing and limits (src/listen/tcp.ts) inside TLS 1.2
 * or later. A handshake must finish within the frame time; connections still in their handshake
 * are bounded too (twice the connection limit), so a flood of half-open ones cannot grow without end.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type SecureContextOptions, type Server } from 'node:tls';
import type { DatagramHandler } from './udp.js';
import { listenStreams, type TcpListener, type TcpOptions } from './tcp.js';

/** The TLS settings both encrypted listeners use (RFC 8310 §9 and RFC 8484 §5.2 ask for TLS 1.2 at least). */
const SERVICE_TLS = { minVersion: 'TLSv1.2' } as const;

/** The options an encrypted listener's server starts with: TLS 1.2 at least, `creds`, and the handshake bound by the frame time. */
export const serviceTlsOptions = (creds: SecureContextOptions, opts: TcpOptions) => ({ ...SERVICE_TLS, ...creds, handshakeTimeout: opts.frameMs });

/**
 * What both encrypted listeners do to their server: bound the connections (twice the limit,
 * handshakes included) and close a failed or timed-out handshake (Node reports it as
 * tlsClientError but leaves the socket open). Returns the function that changes the certificate.
 */
export function guardServiceTls(server: Server, opts: TcpOptions): (creds: SecureContextOptions) => void {
  server.maxConnections = opts.maxConnections * 2;
  server.on('tlsClientError', (_err, sock) => sock.destroy());
  return (creds) => server.setSecureContext({ ...SERVICE_TLS, ...creds });
}

/** A DNS-over-TLS listener; `setCredentials` changes the certificate for the next handshakes. */
export interface TlsListener extends TcpListener {
  /** The bound port. */
  readonly port: number;
  setCredentials(creds: SecureContextOptions): void;
}

/** Starts a DNS-over-TLS server on address:port with `creds`. Resolves once listening. */
export async function listenTls(address: string, port: number, onQuery: DatagramHandler, opts: TcpOptions, creds: SecureContextOptions): Promise<TlsListener> {
  const server = createServer(serviceTlsOptions(creds, opts));
  const setCredentials = guardServiceTls(server, opts);
  const listener = await listenStreams(server, 'secureConnection', 'tls', address, port, onQuery, opts);
  return { ...listener, port: (server.address() as AddressInfo).port, setCredentials };
}
