/**
 * The kernel's UDP counters for this network namespace (Linux /proc/net/snmp): how many
 * datagrams found no socket (NoPorts; a connected socket refuses those from other sources) or no
 * room in one (RcvbufErrors). Other processes add to them too, so tests compare deltas with ≥.
 */
import { readFileSync } from 'node:fs';

/** The counters, or null where /proc/net/snmp is not available. */
export function udpStats(): { noPorts: number; rcvbufErrors: number } | null {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/).map(Number);
    const get = (n: string) => values[names.indexOf(n)]!;
    return { noPorts: get('NoPorts'), rcvbufErrors: get('RcvbufErrors') };
  } catch {
    return null;
  }
}
