/**
 * How logs, metrics, /health and /explain name an upstream server: as dnsmasq prints it, and, for
 * servers that would otherwise share that name, as the server= line writes it.
 */
import type { UpstreamSpec } from '../config/types.js';

/** An address as a URL's host: an IPv6 one in brackets (RFC 3986 §3.2.2). */
export const urlHost = (address: string): string => (address.includes(':') ? `[${address}]` : address);

/**
 * A label like dnsmasq prints: `10.0.0.5#8600`; `tls://9.9.9.9#853` for a DNS-over-TLS server; the
 * URL, `https://9.9.9.9:443/dns-query`, for a DNS-over-HTTPS one.
 */
export function upstreamLabel(spec: Pick<UpstreamSpec, 'address' | 'port' | 'tls'>): string {
  if (spec.tls === undefined) return `${spec.address}#${spec.port}`;
  if (spec.tls.path === null) return `tls://${spec.address}#${spec.port}`;
  return `https://${urlHost(spec.address)}:${spec.port}${spec.tls.path}`;
}

/**
 * The label with what else tells two servers at one address and port apart, in server= syntax:
 * the source (`@10.0.0.1#5353`, `@eth0`) and the name a tls:// or https:// server's certificate
 * must carry (`,dns.example`). Given to every server whose upstreamLabel another server of the
 * same configuration has, so no two metric series or /health entries share a name.
 */
export function fullUpstreamLabel(spec: Pick<UpstreamSpec, 'address' | 'port' | 'tls' | 'sourceAddress' | 'sourcePort' | 'device'>): string {
  const name = spec.tls?.name ? `,${spec.tls.name}` : '';
  const port = spec.sourcePort === null ? '' : `#${spec.sourcePort}`;
  const source = spec.sourceAddress !== null || spec.sourcePort !== null ? `@${spec.sourceAddress ?? '0.0.0.0'}${port}` : '';
  const device = spec.device === null ? '' : `@${spec.device}`;
  return `${upstreamLabel(spec)}${source}${device}${name}`;
}
