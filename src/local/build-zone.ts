/**
 * Builds the LocalZone from the config's local records, cname aliases and the hosts files
 * (reference §6.7: A/AAAA for every name, PTR for the first name of a line; expand-hosts adds
 * the domain= suffix to plain names).
 */
import type { Config } from '../config/types.js';
import type { HostsEntry } from '../config/hosts-file.js';
import { reversePointerName } from '../config/reverse.js';
import { RRType } from '../wire/constants.js';
import { encodeName } from '../wire/name.js';
import { ipBytes } from '../util/ip.js';
import { isIPv4 } from 'node:net';
import { LocalZone } from './zone.js';

/** Builds the zone. `hosts` are the parsed hosts-file entries, in reading order. */
export function buildZone(config: Config, hosts: readonly HostsEntry[]): LocalZone {
  const zone = new LocalZone();
  const localTtl = config.localTtl;
  for (const r of config.localRecords) {
    if (r.placeholder) zone.know(r.name);
    else zone.add(r.name, { type: r.type, rdata: r.rdata, ttl: r.ttl ?? localTtl });
  }
  const { expandHosts, domain } = config.hosts;
  for (const h of hosts) {
    const names = h.names.flatMap((n) => (expandHosts && domain && !n.includes('.') ? [n, `${n}.${domain}`] : [n]));
    const type = isIPv4(h.address) ? RRType.A : RRType.AAAA;
    const rdata = ipBytes(h.address);
    for (const n of names) zone.add(n, { type, rdata, ttl: localTtl });
    zone.add(reversePointerName(h.address), { type: RRType.PTR, rdata: encodeName(names[0]!), ttl: localTtl });
  }
  for (const c of config.cnames) zone.know(c.alias);
  return zone;
}
