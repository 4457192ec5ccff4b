/**
 * The acl stage: who may ask. With `local-service`, only clients on a directly connected subnet
 * (or loopback) are answered; queries from elsewhere are ignored (no reply), as dnsmasq does.
 * Decisions are remembered per client address (bounded), so the check costs one Map lookup.
 */
import { isIPv4 } from 'node:net';
import type { Subnet } from '../listen/interfaces.js';
import { DROP, type Handler } from '../pipeline/types.js';
import { ipBytes } from '../util/ip.js';

const MEMO_LIMIT = 4096;

/** True when `addr` is inside `net` (same family, same leading `prefix` bits). */
export function inSubnet(addr: string, net: Subnet): boolean {
  if (isIPv4(addr) !== (net.family === 4)) return false;
  const a = ipBytes(addr);
  const b = ipBytes(net.address);
  let bits = net.prefix;
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

/** Creates the acl stage for `local-service` over the host's subnets. */
export function createAcl(subnets: readonly Subnet[]): Handler & { denied: () => number } {
  const memo = new Map<string, boolean>();
  let denied = 0;
  const allowed = (addr: string): boolean => {
    let ok = memo.get(addr);
    if (ok === undefined) {
      const plain = addr.startsWith('::ffff:') && isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
      ok = plain.startsWith('127.') || plain === '::1' || subnets.some((n) => inSubnet(plain, n));
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(addr, ok);
    }
    return ok;
  };
  return {
    name: 'acl',
    denied: () => denied,
    handle(q, next) {
      if (allowed(q.client.address)) return next(q);
      denied++;
      return DROP;
    },
  };
}
