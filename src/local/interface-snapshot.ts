/**
 * The host's interface addresses as interface-name, dynamic-host and localise-queries read them
 * while fandns runs. dnsmasq re-reads them (netlink) on every A/AAAA query for an interface name
 * and answers PTR queries from whatever it read last; fandns re-reads them when a query needs
 * them and the last reading is older than `maxAgeMs` (250 ms by default), for forward and
 * reverse questions alike. A reading costs 30-40 µs (getifaddrs), so a client asking such a name
 * in a loop costs at most four readings a second, and queries for other names none.
 */
import { performance } from 'node:perf_hooks';
import { interfaceAddresses, type Subnet } from '../listen/interfaces.js';

/** Interface addresses by interface name. */
export type InterfaceMap = ReadonlyMap<string, readonly Subnet[]>;

/** Default longest age of a reading, in milliseconds. */
export const SNAPSHOT_MAX_AGE_MS = 250;

/** A reading of the interface addresses, renewed on demand once it is older than its maximum age. */
export class InterfaceSnapshot {
  #at = -Infinity;
  #current: InterfaceMap = new Map();

  /**
   * @param read reads the addresses (tests pass their own)
   * @param maxAgeMs longest age of a reading that is still used
   * @param now milliseconds from a monotonic source
   */
  constructor(
    private readonly read: () => InterfaceMap = interfaceAddresses,
    private readonly maxAgeMs = SNAPSHOT_MAX_AGE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The addresses now: the same object until a new reading is taken (callers may key memos on it). */
  current(): InterfaceMap {
    const t = this.now();
    if (t - this.#at > this.maxAgeMs) {
      this.#current = this.read();
      this.#at = t;
    }
    return this.#current;
  }
}
