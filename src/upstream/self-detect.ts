/**
 * Keeping fandns from forwarding to itself (reference §6.4): an upstream whose address and port
 * are one of our listening sockets — or any local address when we listen on a wildcard — is
 * dropped with a warning. The host's resolv.conf often lists the resolver running on it. A
 * clear-text server is compared with the plain DNS listeners, a `tls://` one with the DNS-over-TLS
 * listeners and an `https://` one with the DNS-over-HTTPS ones (each speaks only its own protocol).
 */
import { networkInterfaces } from 'node:os';
import type { UpstreamSpec } from '../config/types.js';

/** A bound listening endpoint. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Local addresses that mean "us" when we listen on a wildcard address. */
function localAddresses(): Set<string> {
  const set = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) set.add(a.address);
  return set;
}

/** A bound DNS-over-TLS or DNS-over-HTTPS listener. */
export interface EncryptedEndpoint extends Endpoint {
  readonly protocol: 'tls' | 'https';
}

/**
 * Returns a predicate that is true for upstreams that are fandns itself: listening on `plain`
 * (UDP and TCP) or, for `tls://` and `https://` servers, on `encrypted`. A server still named by a
 * host name (looked up when a connection opens) is not matched here.
 */
export function selfDetector(plain: readonly Endpoint[], encrypted: readonly EncryptedEndpoint[] = []): (s: UpstreamSpec) => boolean {
  let locals: Set<string> | null = null;
  const us = (e: Endpoint, s: UpstreamSpec) => e.port === s.port &&
    (e.address === s.address || ((e.address === '0.0.0.0' || e.address === '::') && (locals ??= localAddresses()).has(s.address)));
  return (s) => {
    if (s.tls === undefined) return plain.some((e) => us(e, s));
    const protocol = s.tls.path === null ? 'tls' : 'https';
    return encrypted.some((e) => e.protocol === protocol && us(e, s));
  };
}
