/**
 * interface-name and dynamic-host records (dnsmasq 2.90 network.c and rfc1035.c, checked against
 * the binary with dig): A/AAAA records for each configured name from the current addresses of its
 * interface, and a PTR record from each such address back to the name.
 *
 * - interface-name: the interface's addresses (IPv4 only with `/4`, IPv6 only with `/6`); an
 *   interface that is down, has no address or does not exist gives none. TTL `local-ttl`.
 * - dynamic-host: each address of the interface of the family given, with its host part (the bits
 *   past the interface's prefix length) replaced by the given address's. TTL 0, as the man page
 *   says (dnsmasq 2.90 serves local-ttl).
 * - A name on several lines gets the addresses of all of them. An address held by several lines
 *   gets its PTR from the first (dnsmasq skips dynamic-host lines that follow an interface-name of
 *   the same interface here; fandns does not).
 * Link-local IPv6 addresses are skipped, as in dnsmasq.
 */
import { Buffer } from 'node:buffer';
import type { InterfaceHost } from '../config/types.js';
import { reversePointerName } from '../config/reverse.js';
import type { Subnet } from '../listen/interfaces.js';
import { formatIp, ipBytes, prefixByteMask } from '../util/ip.js';
import { RRType } from '../wire/constants.js';
import { encodeName } from '../wire/name.js';
import { WireLengths } from '../wire/name-lengths.js';
import { reverseNameFamily } from '../wire/reverse-name.js';
import type { InterfaceMap, InterfaceSnapshot } from './interface-snapshot.js';
import { wireKey, type ZoneRecord } from './zone.js';

/** The addresses (4 or 16 bytes each, no duplicates) line `h` stands for, given its interface's addresses. */
export function hostAddresses(h: InterfaceHost, subnets: readonly Subnet[]): Buffer[] {
  const out: Buffer[] = [];
  for (const s of subnets) {
    if (!(s.family === 4 ? h.v4 : h.v6)) continue;
    const addr = ipBytes(s.address);
    const host = s.family === 4 ? h.host4 : h.host6;
    if (host !== null) {
      const part = ipBytes(host);
      for (let i = 0; i < addr.length; i++) {
        const mask = prefixByteMask(s.prefix, i);
        addr[i] = (addr[i]! & mask) | (part[i]! & ~mask & 0xff);
      }
    }
    if (!out.some((a) => a.equals(addr))) out.push(addr);
  }
  return out;
}

/** Forward and reverse records of every line for one reading of the interfaces. */
export interface InterfaceTables {
  /** A and AAAA records by the name's wire key (a name whose interfaces have no address: an empty list). */
  readonly forward: ReadonlyMap<string, readonly ZoneRecord[]>;
  /** The PTR record by the reverse name's wire key. */
  readonly reverse: ReadonlyMap<string, ZoneRecord>;
}

/** Builds the records of `hosts` (config order) for the interface addresses `byIface`. */
export function interfaceTables(hosts: readonly InterfaceHost[], byIface: InterfaceMap, localTtl: number): InterfaceTables {
  const forward = new Map<string, ZoneRecord[]>();
  const reverse = new Map<string, ZoneRecord>();
  for (const h of hosts) {
    const ttl = h.host4 !== null || h.host6 !== null ? 0 : localTtl;
    const key = wireKey(h.name);
    let list = forward.get(key);
    if (list === undefined) forward.set(key, (list = []));
    for (const addr of hostAddresses(h, byIface.get(h.iface) ?? [])) {
      const type = addr.length === 4 ? RRType.A : RRType.AAAA;
      if (!list.some((r) => r.type === type && r.rdata.equals(addr))) list.push({ type, rdata: addr, ttl });
      const ptrKey = wireKey(reversePointerName(formatIp(addr)));
      if (!reverse.has(ptrKey)) reverse.set(ptrKey, { type: RRType.PTR, rdata: encodeName(h.name), ttl });
    }
  }
  return { forward, reverse };
}

/** The lines' records for the local stage, from readings of the interfaces no older than the snapshot allows. */
export class InterfaceHosts {
  readonly #hosts: readonly InterfaceHost[];
  readonly #snapshot: InterfaceSnapshot;
  readonly #localTtl: number;
  readonly #names: ReadonlySet<string>;
  readonly #lengths: WireLengths;
  #readFrom: InterfaceMap | null = null;
  #tables: InterfaceTables = { forward: new Map(), reverse: new Map() };

  /** The records of `hosts`, or null when there are none (the local stage then skips every check). */
  static of(hosts: readonly InterfaceHost[], snapshot: InterfaceSnapshot, localTtl: number): InterfaceHosts | null {
    return hosts.length === 0 ? null : new InterfaceHosts(hosts, snapshot, localTtl);
  }

  constructor(hosts: readonly InterfaceHost[], snapshot: InterfaceSnapshot, localTtl: number) {
    this.#hosts = hosts;
    this.#snapshot = snapshot;
    this.#localTtl = localTtl;
    this.#names = new Set(hosts.map((h) => wireKey(h.name)));
    this.#lengths = WireLengths.of(this.#names);
  }

  /** The tables for the current reading, rebuilt only when a new reading was taken. */
  #current(): InterfaceTables {
    const byIface = this.#snapshot.current();
    if (byIface !== this.#readFrom) {
      this.#tables = interfaceTables(this.#hosts, byIface, this.#localTtl);
      this.#readFrom = byIface;
    }
    return this.#tables;
  }

  /** False when a name of this wire length is no configured name: most queries stop here. */
  mayBeName(nameLen: number): boolean {
    return this.#lengths.has(nameLen);
  }

  /** True when the name (wire key) is a configured name. */
  isName(key: string): boolean {
    return this.#names.has(key);
  }

  /** The A and AAAA records a configured name (wire key) has now. */
  addresses(key: string): readonly ZoneRecord[] {
    return this.#current().forward.get(key) ?? [];
  }

  /**
   * The PTR record of a reverse name (wire key `key`, `nameLen` bytes at `nameStart` of `msg`)
   * when a configured address has it now, else null. Names that cannot be full reverse names are
   * ruled out on their bytes, without reading the interfaces.
   */
  pointer(msg: Uint8Array, nameStart: number, nameLen: number, key: () => string): ZoneRecord | null {
    if (reverseNameFamily(msg, nameStart, nameLen) === 0) return null;
    return this.#current().reverse.get(key()) ?? null;
  }
}
