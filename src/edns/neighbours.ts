/**
 * The kernel's IPv4 neighbour (ARP) table, for add-mac: which MAC address a client on a directly
 * connected network has. Read from /proc/net/arp, Linux's text view of the table. dnsmasq reads
 * the table over netlink, IPv6 neighbours too; Node has no netlink without a native module, and
 * /proc shows no IPv6 neighbour table, so IPv6 clients get no MAC here.
 *
 * As dnsmasq does (arp.c), the table is read again when a client's address is not in it, and at
 * least every 90 s; here at most once a second, so a flood of queries from unknown (or forged)
 * sources costs one read a second.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { unmapped } from './client-subnet.js';

/** Where Linux shows the IPv4 neighbour table. */
export const PROC_ARP = '/proc/net/arp';

/** ATF_COM: the entry is complete (its hardware address is known). */
const ATF_COM = 0x2;
/** Oldest a table may be before it is read again, as dnsmasq's INTERVAL. */
const MAX_AGE_MS = 90_000;
/** Least time between two reads. */
const MIN_GAP_MS = 1000;

/**
 * Complete entries of a /proc/net/arp listing ("IP address  HW type  Flags  HW address  Mask
 * Device" columns) by address. Incomplete entries (no ATF_COM flag) and all-zero hardware
 * addresses (devices without ARP) are left out, as dnsmasq leaves out neighbours in state
 * INCOMPLETE, FAILED or NOARP.
 */
export function parseArpTable(text: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const line of text.split('\n').slice(1)) {
    const [ip, , flags, hw] = line.trim().split(/\s+/);
    if (!ip || !flags || !hw || (Number.parseInt(flags, 16) & ATF_COM) === 0) continue;
    const parts = hw.split(':');
    if (!parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) continue;
    const mac = Buffer.from(parts.map((p) => Number.parseInt(p, 16)));
    if (mac.some((b) => b !== 0)) out.set(ip, mac);
  }
  return out;
}

/** Finds a client's MAC address. */
export interface NeighbourLookup {
  /** The MAC of the neighbour at `address`, or null (not a neighbour, or an IPv6 client). */
  lookup(address: string): Buffer | null;
}

/** The IPv4 neighbour table, read from `path` when needed (see the file comment). */
export class NeighbourTable implements NeighbourLookup {
  #table = new Map<string, Buffer>();
  #readAt = Number.NEGATIVE_INFINITY;

  /**
   * @param path the listing to read
   * @param onError told (once per failing read) why the listing could not be read
   * @param now a millisecond clock
   */
  constructor(
    readonly path: string = PROC_ARP,
    private readonly onError: (err: Error) => void = () => {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  lookup(address: string): Buffer | null {
    const a = unmapped(address);
    if (a.includes(':')) return null;
    const t = this.now();
    if (t - this.#readAt >= MAX_AGE_MS) this.#read(t);
    let mac = this.#table.get(a);
    if (mac === undefined && t - this.#readAt >= MIN_GAP_MS) {
      this.#read(t);
      mac = this.#table.get(a);
    }
    return mac ?? null;
  }

  #read(t: number): void {
    this.#readAt = t;
    try {
      this.#table = parseArpTable(readFileSync(this.path, 'latin1'));
    } catch (err) {
      this.#table = new Map();
      this.onError(err as Error);
    }
  }
}
