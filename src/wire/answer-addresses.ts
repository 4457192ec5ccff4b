/**
 * The addresses an answer section carries: the RDATA of its class IN A records (RFC 1035 §3.4.1,
 * 4 bytes) and AAAA records (RFC 3596 §2.2, 16 bytes), CNAME chains included. Pure.
 */
import { QClass, RRType } from './constants.js';
import { recordClass } from './drop-records.js';
import { Section, type MessageLayout } from './layout.js';

/** True when `test` accepts the address of some class IN A or AAAA record in the answer section. */
export function someAnswerAddress(msg: Uint8Array, layout: MessageLayout, test: (addr: Uint8Array) => boolean): boolean {
  for (const rec of layout.records) {
    if (rec.section !== Section.ANSWER) break;
    const size = rec.type === RRType.A ? 4 : rec.type === RRType.AAAA ? 16 : 0;
    if (size === 0 || rec.rdlen !== size || recordClass(msg, rec) !== QClass.IN) continue;
    if (test(msg.subarray(rec.rdataOff, rec.rdataOff + size))) return true;
  }
  return false;
}
