/**
 * `dumpfile=PATH` and `dumpmask=MASK` (dnsmasq 2.90): where copies of DNS datagrams go (a pcap
 * file), and which kinds, as dnsmasq's mask bits (0x1 client queries, 0x2 replies to clients, 0x4
 * queries to upstreams, 0x8 their replies; decimal or 0x hex). Part of the directive table in
 * directives.ts; the dump itself is src/log/packet-dump.ts (dnstap's options are dnstap.ts).
 */
import { ConfigError, type Origin } from '../errors.js';
import { pathValue, unquoted, type Directive } from './directive-kit.js';
import type { PacketDumpConfig } from './types.js';

/** The mask kinds fandns dumps when dumpmask is not given (dnsmasq: none). */
const DEFAULT_MASK = 0x000f;

/** A dumpmask value: a decimal or 0x-prefixed hex number of at most 32 bits. */
export function parseDumpMask(text: string, o: Origin): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]{1,8}$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d{1,10}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n > 0xffffffff) throw new ConfigError('FANDNS_CONFIG_VALUE', o, `dumpmask=${t} is not a mask (a number, decimal or 0x hex, of at most 32 bits)`);
  return n;
}

/** What the two options collected. */
export class DumpLines {
  path: { value: string; origin: Origin } | null = null;
  mask: number | null = null;

  /** The dump settings (null: no dumpfile; a dumpmask alone does nothing, as in dnsmasq). */
  build(): PacketDumpConfig | null {
    if (this.path === null) return null;
    return { path: this.path.value, origin: this.path.origin, mask: this.mask ?? DEFAULT_MASK };
  }
}

/** The two directives. */
export const PACKET_DUMP_DIRECTIVES: readonly Directive[] = [
  { name: 'dumpfile', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'Append copies of the DNS datagrams dumpmask selects to this pcap file (raw IP; created mode 0600). A file that exists must be such a pcap file.',
    apply: (b, val, o) => { b.dump.path = { value: pathValue('dumpfile', val, o), origin: o }; } },
  { name: 'dumpmask', arg: 'value', repeat: 'single', hint: '<mask>',
    describe: 'Which datagrams dumpfile gets: 0x1 client queries, 0x2 replies to clients, 0x4 queries to upstreams, 0x8 their replies (default 0xf, all four; dnsmasq: none).',
    apply: (b, val, o) => { b.dump.mask = parseDumpMask(unquoted(val), o); } },
];
