/**
 * Network interfaces as listening addresses and as "local subnets" (reference §6.3):
 * `interface=NAME` serves that interface's addresses plus loopback, `except-interface=` removes
 * addresses, and `local-service` accepts clients whose address is on a directly connected subnet.
 */
import { networkInterfaces } from 'node:os';
import type { ListenConfig } from '../config/types.js';

/** An address with its prefix length. */
export interface Subnet {
  readonly address: string;
  readonly family: 4 | 6;
  readonly prefix: number;
}

const LOOPBACK = ['127.0.0.1'];

function matches(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * Every address of every interface that is up, by interface name (IPv6 link-local ones skipped:
 * they need a scope). One getifaddrs(3) call through libuv: about 30-40 µs.
 */
export function interfaceAddresses(): Map<string, Subnet[]> {
  const out = new Map<string, Subnet[]>();
  for (const [name, list] of Object.entries(networkInterfaces())) {
    const subnets = (list ?? [])
      .filter((a) => !(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80')))
      .map((a) => ({ address: a.address, family: (a.family === 'IPv4' ? 4 : 6) as 4 | 6, prefix: Number(a.cidr?.split('/')[1] ?? (a.family === 'IPv4' ? 32 : 128)) }));
    out.set(name, subnets);
  }
  return out;
}

/**
 * The addresses to bind: listen-address values, plus the addresses of `interface=` names and
 * loopback when any interface is named, minus `except-interface=` addresses.
 */
export function listenAddresses(cfg: ListenConfig): string[] {
  const byName = interfaceAddresses();
  const out = new Set(cfg.addresses);
  if (cfg.interfaces.length) {
    for (const a of LOOPBACK) out.add(a);
    for (const [name, subnets] of byName) {
      if (cfg.interfaces.some((p) => matches(name, p))) for (const s of subnets) out.add(s.address);
    }
  }
  for (const [name, subnets] of byName) {
    if (cfg.exceptInterfaces.some((p) => matches(name, p))) for (const s of subnets) out.delete(s.address);
  }
  return [...out];
}

/** Every directly connected subnet of this host. */
export function localSubnets(): Subnet[] {
  return [...interfaceAddresses().values()].flat();
}
