/**
 * `alias=` ("DNS doctoring", reference §6.5): IPv4 addresses in upstream answers are rewritten,
 * as dnsmasq 2.90 does it (checked on the binary): every class IN A record of the answer and
 * additional sections (CNAME chain targets and glue included, the authority section not), in
 * NOERROR and NXDOMAIN replies only; the last `alias=` line that matches an address decides, and
 * a rewritten address is not matched again. A reply with a rewritten address loses AA (fandns's
 * data, no longer the server's) and AD (RFC 4035 §3.2.3: it is no longer what was validated).
 *
 * The stage sits between the answer filter and the forward stage, so bogus-nxdomain and
 * stop-dns-rebind judge the rewritten addresses (as in dnsmasq) and the cache keeps the rewritten
 * reply: the rewrite happens once, in place, before caching, never on a cache hit. It is in the
 * pipeline only when some `alias=` line is configured.
 */
import { Buffer } from 'node:buffer';
import type { AddressAlias } from '../config/types.js';
import { FLAG2, FLAG3, RCode } from '../wire/constants.js';
import { scanMessage } from '../wire/layout.js';
import { rewriteAddresses, type AddressMap } from '../wire/rewrite-a.js';
import { DROP, Reply, type Handler, type Outcome } from '../pipeline/types.js';
import { isPromise } from '../util/thenable.js';

/** True when `addr` is one the alias matches. */
function matches(a: AddressAlias, addr: number): boolean {
  if (a.to === null) return ((addr ^ a.from) & a.mask) === 0;
  return addr >= a.from && addr <= a.to;
}

/** The address map of `aliases`: the last matching line's rewrite, or -1 when none matches. */
export function aliasMap(aliases: readonly AddressAlias[]): AddressMap {
  const checked = [...aliases].reverse();
  return (addr) => {
    for (const a of checked) {
      if (matches(a, addr)) return ((addr & ~a.mask) | (a.replacement & a.mask)) >>> 0;
    }
    return -1;
  };
}

/** Creates the `alias=` stage for a non-empty list of aliases. */
export function createDoctor(aliases: readonly AddressAlias[]): Handler {
  const map = aliasMap(aliases);
  const rewrite = (o: Outcome): Outcome => {
    if (o === DROP || (o.source !== 'upstream' && o.source !== 'coalesced')) return o;
    const rcode = o.rcode;
    if ((rcode !== RCode.NOERROR && rcode !== RCode.NXDOMAIN) || (o.wire[2]! & FLAG2.TC) !== 0) return o;
    const layout = o.layout ?? scanMessage(o.wire);
    if (layout === null) return o;
    // Replies from the forward stage own their bytes; a shared one would be copied first.
    const wire = o.owned ? o.wire : Buffer.from(o.wire);
    if (rewriteAddresses(wire, layout, map) === 0) return o;
    wire[2] = wire[2]! & ~FLAG2.AA;
    wire[3] = wire[3]! & ~FLAG3.AD;
    return new Reply(wire, o.source, true, o.optStart, o.optEnd, o.upstream, layout, false, o.aliasHops, o.cacheable);
  };
  return {
    name: 'alias',
    handle(q, next) {
      const r = next(q);
      return isPromise(r) ? r.then(rewrite) : rewrite(r);
    },
  };
}
