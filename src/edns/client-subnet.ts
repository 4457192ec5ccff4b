/**
 * add-subnet: the EDNS Client Subnet option (RFC 7871 §6) a forwarded query carries for its
 * client, as dnsmasq 2.90 chooses it (edns0.c, calc_subnet_opt). Per client family the config
 * names either the client's own address cut to a prefix, or a fixed address cut to its prefix (in
 * that address's family, so `add-subnet=1.2.3.4/24,1.2.3.4/24` gives IPv6 clients an IPv4
 * subnet), or nothing: an option with SOURCE PREFIX-LENGTH 0, which asks upstreams not to use the
 * client's address either (§7.1.2).
 */
import type { Buffer } from 'node:buffer';
import { isIPv4 } from 'node:net';
import type { EdnsConfig, SubnetSource } from '../config/types.js';
import { ecsOption, EcsFamily } from '../wire/ecs.js';
import { ipBytes } from '../util/ip.js';

/** An IPv4 client reached through an IPv6 socket (`::ffff:192.0.2.1`) as its IPv4 address. */
export function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The option for one family: the same bytes for everyone, or the prefix to cut the client's address to. */
function familyRule(s: SubnetSource | null, family: number): Buffer | number {
  if (s === null) return ecsOption(family, 0, new Uint8Array(0));
  if (s.address !== null) return ecsOption(isIPv4(s.address) ? EcsFamily.IPV4 : EcsFamily.IPV6, s.prefix, ipBytes(s.address));
  return s.prefix === 0 ? ecsOption(family, 0, new Uint8Array(0)) : s.prefix;
}

/** The options add-subnet sends, per client. */
export class ClientSubnet {
  /** True when every client gets the same option (no family takes the client's address): replies do not depend on who asked. */
  readonly constant: boolean;
  readonly #v4: Buffer | number;
  readonly #v6: Buffer | number;

  constructor(spec: NonNullable<EdnsConfig['addSubnet']>) {
    this.#v4 = familyRule(spec.ipv4, EcsFamily.IPV4);
    this.#v6 = familyRule(spec.ipv6, EcsFamily.IPV6);
    this.constant = typeof this.#v4 !== 'number' && typeof this.#v6 !== 'number';
  }

  /** The ECS option (code and length included) for a client at `address`. */
  optionFor(address: string): Buffer {
    const a = unmapped(address);
    const v4 = !a.includes(':');
    const rule = v4 ? this.#v4 : this.#v6;
    return typeof rule === 'number' ? ecsOption(v4 ? EcsFamily.IPV4 : EcsFamily.IPV6, rule, ipBytes(a)) : rule;
  }
}
