/** A list of address ranges that A/AAAA RDATA is matched against (bogus-nxdomain, ignore-address). */
import type { AddressRange } from '../config/types.js';
import { ipBytes, inPrefix } from './ip.js';

/**
 * Address ranges of both families; `has` takes 4 bytes (IPv4) or 16 (IPv6), and is bound, so it
 * can be handed on as a test by itself.
 */
export class AddressRanges {
  readonly #nets: readonly (readonly [Uint8Array, number])[];

  constructor(ranges: readonly AddressRange[]) {
    this.#nets = ranges.map((r) => [ipBytes(r.address), r.prefix] as const);
  }

  /** True when there are no ranges. */
  get empty(): boolean {
    return this.#nets.length === 0;
  }

  /** True when `addr` lies in one of the ranges of its family. */
  readonly has = (addr: Uint8Array): boolean => {
    for (const [net, prefix] of this.#nets) if (inPrefix(addr, net, prefix)) return true;
    return false;
  };
}
