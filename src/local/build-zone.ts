/**
 * Builds the LocalZone from the config's local records, MX records, cname aliases,
 * interface-name and dynamic-host names and the hosts files (reference §6.7: A/AAAA for every
 * name, PTR for the first name of a line; expand-hosts adds the domain= suffix to plain names).
 */
import type { Config } from '../config/types.js';
import type { HostsEntry } from '../config/hosts-file.js';
import { reversePointerName } from '../config/reverse.js';
import { RRType } from '../wire/constants.js';
import { encodeName } from '../wire/name.js';
import { ipBytes } from '../util/ip.js';
import { isIPv4 } from 'node:net';
import { addMxRecords, machineName } from './mx-records.js';
import { LocalZone, type ZoneRecord } from './zone.js';

/**
 * Builds the zone. `hosts` are the parsed hosts-file entries in reading order, taken one at a time.
 * An address on several hosts lines gets one PTR, to the first line's first name, as dnsmasq does
 * ("first one trumps", checked on 2.90): an ad-block list mapping 10^5 names to 0.0.0.0 makes one
 * PTR, not 10^5. `host` is this machine's name, for the MX records that point at it or belong to
 * it (mx-records.ts).
 */
export function buildZone(config: Config, hosts: Iterable<HostsEntry>, host: string | null = machineName()): LocalZone {
  const zone = new LocalZone();
  const localTtl = config.localTtl;
  // localmx/selfmx: the names of "local machines" (hosts files, host-record), as dnsmasq counts them.
  const machines = config.mx.localmx || config.mx.selfmx ? new Set<string>() : null;
  for (const r of config.localRecords) {
    if (r.placeholder) zone.know(r.name);
    else zone.add(r.name, { type: r.type, rdata: r.rdata, ttl: r.ttl ?? localTtl, claimsName: r.claimsName !== false });
    // Claiming A/AAAA records come from host-record only (dns-rr ones leave their name unclaimed).
    if (machines && (r.type === RRType.A || r.type === RRType.AAAA) && r.claimsName !== false) machines.add(r.name);
  }
  const { expandHosts, domain } = config.hosts;
  // One A/AAAA record per distinct address, shared by its names (a list's 0.0.0.0); the first line
  // with an address also gives it its PTR.
  const addresses = new Map<string, ZoneRecord>();
  for (const h of hosts) {
    const names = h.names.flatMap((n) => (expandHosts && domain && !n.includes('.') ? [n, `${n}.${domain}`] : [n]));
    const bytes = ipBytes(h.address);
    const key = bytes.toString('latin1'); // by value: "::1" and "0::1" are one address
    let rec = addresses.get(key);
    const first = rec === undefined;
    if (rec === undefined) addresses.set(key, (rec = { type: isIPv4(h.address) ? RRType.A : RRType.AAAA, rdata: bytes, ttl: localTtl }));
    for (const n of names) zone.add(n, rec);
    if (machines) for (const n of names) machines.add(n);
    if (first) zone.add(reversePointerName(h.address), { type: RRType.PTR, rdata: encodeName(names[0]!), ttl: localTtl });
  }
  addMxRecords(zone, config.mx, machines ?? [], host, localTtl);
  for (const c of config.cnames) zone.know(c.alias);
  // interface-name and dynamic-host names are local (their records are read from the interfaces
  // by the local stage): an upstream NXDOMAIN for them or their ancestors becomes NODATA.
  for (const h of config.interfaceHosts) zone.know(h.name);
  return zone;
}
