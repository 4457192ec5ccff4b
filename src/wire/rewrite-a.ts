/**
 * In-place rewriting of IPv4 addresses (RFC 1035 §3.4.1: class IN A RDATA, 4 bytes) in the answer
 * and additional sections of a message, as dnsmasq's `alias=` does; the authority section is left
 * alone. Pure apart from writing into the bytes it is given.
 */
import { QClass, RRType } from './constants.js';
import { recordClass } from './drop-records.js';
import { setU32, u32 } from './header.js';
import { Section, type MessageLayout } from './layout.js';

/** Maps an address (unsigned 32-bit) to its replacement, or -1 to leave it. */
export type AddressMap = (addr: number) => number;

/**
 * Rewrites the address of every class IN A record in the answer and additional sections that
 * `map` replaces, in one pass over `layout`; returns how many records it changed (an address
 * mapped to itself counts). Records whose RDLENGTH is not 4 are malformed and left as they are.
 */
export function rewriteAddresses(msg: Uint8Array, layout: MessageLayout, map: AddressMap): number {
  let changed = 0;
  for (const rec of layout.records) {
    if (rec.type !== RRType.A || rec.rdlen !== 4 || rec.section === Section.AUTHORITY || recordClass(msg, rec) !== QClass.IN) continue;
    const to = map(u32(msg, rec.rdataOff));
    if (to < 0) continue;
    setU32(msg, rec.rdataOff, to);
    changed++;
  }
  return changed;
}
