/**
 * The MX records fandns serves itself, as dnsmasq 2.90 makes them (checked on the binary):
 * - `mx-host=` lines, preference 1 unless given; one without a target points at the default
 *   target: `mx-target=`, else this machine's host name;
 * - with `mx-target=` or `localmx`, the host name itself gets an MX record with preference 0
 *   pointing at the default target, unless an `mx-host=` line names it;
 * - with `localmx`, every name from the hosts files and `host-record=` that no MX record names
 *   gets one with preference 1 pointing at the default target; with `selfmx`, pointing at the
 *   name itself (selfmx wins when both are set).
 * All of them have `local-ttl`.
 */
import { hostname } from 'node:os';
import { u16 } from '../config/local-records.js';
import type { MxConfig } from '../config/types.js';
import { RRType } from '../wire/constants.js';
import { canonicalName, encodeName } from '../wire/name.js';
import type { LocalZone, ZoneRecord } from './zone.js';

/** This machine's host name (os.hostname(), as dnsmasq's gethostname()) in canonical form, or null when it is no DNS name. */
export function machineName(raw: string = hostname()): string | null {
  const name = canonicalName(raw.trim());
  if (name === '') return null;
  try {
    encodeName(name);
    return name;
  } catch {
    return null;
  }
}

/** True when the MX config needs this machine's host name (as a target or as an owner). */
export function needsMachineName(mx: MxConfig): boolean {
  return mx.target !== null || mx.localmx || mx.hosts.some((h) => h.target === null);
}

/** MX RDATA (RFC 1035 §3.3.9): the preference, then the target name. */
function mxRecord(preference: number, target: string, ttl: number): ZoneRecord {
  return { type: RRType.MX, rdata: Buffer.concat([u16(preference), encodeName(target)]), ttl };
}

/**
 * Adds the MX records of `mx` to `zone`. `localNames` are the hosts-file and host-record names
 * (read only with localmx or selfmx); `host` is this machine's name, or null when it has none,
 * in which case the records that would need it are left out.
 */
export function addMxRecords(zone: LocalZone, mx: MxConfig, localNames: Iterable<string>, host: string | null, ttl: number): void {
  const fallback = mx.target ?? host;
  const named = new Set<string>();
  for (const h of mx.hosts) {
    const target = h.target ?? fallback;
    named.add(h.name);
    if (target !== null) zone.add(h.name, mxRecord(h.preference, target, ttl));
  }
  if ((mx.target !== null || mx.localmx) && host !== null && fallback !== null && !named.has(host)) {
    zone.add(host, mxRecord(0, fallback, ttl));
    named.add(host);
  }
  if (!mx.localmx && !mx.selfmx) return;
  // localmx: one record shared by every name (a hosts list of 10^5 names adds 10^5 references).
  const shared = mx.selfmx || fallback === null ? null : mxRecord(1, fallback, ttl);
  for (const name of localNames) {
    if (named.has(name)) continue;
    if (mx.selfmx) zone.add(name, mxRecord(1, name, ttl));
    else if (shared !== null) zone.add(name, shared);
  }
}
