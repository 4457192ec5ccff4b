/**
 * localise-queries (dnsmasq 2.90 man page, forward.c and rfc1035.c; checked against the binary
 * with dig): when a name from hosts files, host-record, interface-name or dynamic-host has several
 * IPv4 addresses and at least one is in the subnet of the address the query was sent to, only
 * those are answered; otherwise all are. IPv4 only, as in dnsmasq. The subnet is the prefix
 * length that address has on its interface; a query sent to an address fandns cannot place on an
 * interface (a wildcard listener, an address that has gone) is answered in full.
 */
import { isIPv4 } from 'node:net';
import { inPrefix, ipBytes } from '../util/ip.js';
import { RRType } from '../wire/constants.js';
import type { InterfaceMap, InterfaceSnapshot } from './interface-snapshot.js';
import type { ZoneRecord } from './zone.js';

/** An IPv4 network: an address and its prefix length. */
export interface LocalNet {
  readonly net: Uint8Array;
  readonly prefix: number;
}

/** The network of `localAddress` as an interface holds it, or null when it is no IPv4 interface address. */
export function localNet(localAddress: string, byIface: InterfaceMap): LocalNet | null {
  if (!isIPv4(localAddress) || localAddress === '0.0.0.0') return null;
  for (const subnets of byIface.values()) {
    for (const s of subnets) if (s.family === 4 && s.address === localAddress) return { net: ipBytes(s.address), prefix: s.prefix };
  }
  return null;
}

/** `records` without the A records outside `net` when at least one A record is inside it; otherwise `records` itself. */
export function keepLocal(records: readonly ZoneRecord[], net: LocalNet): readonly ZoneRecord[] {
  const inside = (r: ZoneRecord) => r.type !== RRType.A || inPrefix(r.rdata, net.net, net.prefix);
  return records.some((r) => r.type === RRType.A && inside(r)) ? records.filter(inside) : records;
}

/** Applies localise-queries with the current interface addresses. */
export class Localiser {
  #readFrom: InterfaceMap | null = null;
  readonly #nets = new Map<string, LocalNet | null>();

  constructor(private readonly snapshot: InterfaceSnapshot) {}

  /** The records a query sent to `localAddress` gets: unchanged unless two or more are A records. */
  apply(records: readonly ZoneRecord[], localAddress: string): readonly ZoneRecord[] {
    let a = 0;
    for (const r of records) if (r.type === RRType.A) a++;
    if (a < 2) return records;
    const byIface = this.snapshot.current();
    if (byIface !== this.#readFrom) {
      this.#nets.clear();
      this.#readFrom = byIface;
    }
    let net = this.#nets.get(localAddress);
    if (net === undefined) this.#nets.set(localAddress, (net = localNet(localAddress, byIface)));
    return net === null ? records : keepLocal(records, net);
  }
}
