/**
 * Keeping fandns from forwarding to itself (reference §6.4): an upstream whose address and port
 * are one of our listening sockets — or any local address when we listen on a wildcard — is
 * dropped with a warning. The host's resolv.conf often lists the resolver running on it.
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

/** Returns a predicate that is true for upstreams that are fandns itself. */
export function selfDetector(endpoints: readonly Endpoint[]): (s: UpstreamSpec) => boolean {
  let locals: Set<string> | null = null;
  return (s) =>
    endpoints.some((e) => e.port === s.port &&
      (e.address === s.address || ((e.address === '0.0.0.0' || e.address === '::') && (locals ??= localAddresses()).has(s.address))));
}
