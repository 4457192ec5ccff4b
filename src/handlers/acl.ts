/**
 * The acl stage: who may ask. With `local-service`, only clients on a directly connected subnet
 * (or loopback) are answered; queries from elsewhere are ignored (no reply), as dnsmasq does.
 * Decisions are remembered per client address (bounded), so the check costs one Map lookup.
 */
import { isIPv4 } from 'node:net';
import type { Subnet } from '../listen/interfaces.js';
import { DROP, type Handler } from '../pipeline/types.js';
import { inPrefix, ipBytes } from '../util/ip.js';

const MEMO_LIMIT = 4096;

/** True when `addr` is inside `net` (same family, same leading `prefix` bits). */
export function inSubnet(addr: string, net: Subnet): boolean {
  return isIPv4(addr) === (net.family === 4) && inPrefix(ipBytes(addr), ipBytes(net.address), net.prefix);
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
