/**
 * Directive rows for the EDNS options fandns adds to or strips from forwarded queries: add-subnet
 * (RFC 7871 client subnet), strip-subnet, add-mac, strip-mac, add-cpe-id. Part of the table in
 * directives.ts. Syntax as dnsmasq 2.90 reads it, except that values dnsmasq accepts and then
 * sends as a malformed option (a prefix longer than the address) are errors here.
 */
import { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import { ConfigError, type Origin } from '../errors.js';
import { unquoted as u, type Directive } from './directive-kit.js';
import type { SubnetSource } from './types.js';

/** Longest add-cpe-id string, in bytes (an identifier, not a payload). */
export const MAX_CPE_ID = 255;

/** One `[address/]prefix` part of add-subnet; `clientBits` bounds the prefix when no address is given. */
function subnetSource(text: string, o: Origin, clientBits: number): SubnetSource {
  const slash = text.indexOf('/');
  const address = slash < 0 ? null : text.slice(0, slash);
  const prefixText = slash < 0 ? text : text.slice(slash + 1);
  const family = address === null ? 0 : isIP(address);
  if (address !== null && family === 0) throw new ConfigError('FANDNS_CONFIG_VALUE', o, `add-subnet: bad address "${address}"`);
  const max = family === 4 ? 32 : family === 6 ? 128 : clientBits;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', o, `add-subnet: bad prefix length "${prefixText}" (0-${max})`);
  }
  return { prefix: Number(prefixText), address };
}

/**
 * `add-subnet[=[<IPv4 address>/]<IPv4 prefix>[,[<IPv6 address>/]<IPv6 prefix>]]`: the first part
 * is for IPv4 clients, the second for IPv6 clients; a part not given means no address at all.
 */
export function parseAddSubnet(value: string | null, o: Origin): { ipv4: SubnetSource | null; ipv6: SubnetSource | null } {
  if (value === null || value === '') return { ipv4: null, ipv6: null };
  const [v4, v6 = '', ...rest] = value.split(',').map((s) => s.trim());
  if (rest.length > 0) throw new ConfigError('FANDNS_CONFIG_VALUE', o, `add-subnet takes at most two parts, got "${value}"`);
  return { ipv4: v4 === '' ? null : subnetSource(v4!, o, 32), ipv6: v6 === '' ? null : subnetSource(v6, o, 128) };
}

/** The EDNS rows, in --help order. */
export const EDNS_DIRECTIVES: readonly Directive[] = [
  { name: 'add-mac', arg: 'optional', repeat: 'list', hint: '[=base64|text]',
    describe: "Add the client's MAC address (from the kernel's IPv4 neighbour table) to forwarded queries: option 65001, or 65073 as base64 or text.",
    apply: (b, val, o) => {
      const v = val === null ? 'raw' : u(val);
      if (v !== 'raw' && v !== 'base64' && v !== 'text') throw new ConfigError('FANDNS_CONFIG_VALUE', o, `add-mac takes no value, "base64" or "text", got "${v}"`);
      b.addMac.add(v);
    } },
  { name: 'strip-mac', arg: 'flag', repeat: 'single',
    describe: "Remove a client's own MAC options (65001, 65073) from forwarded queries.", apply: (b) => { b.stripMac = true; } },
  { name: 'add-cpe-id', arg: 'value', repeat: 'single', hint: '<string>',
    describe: 'Add this identifying string to forwarded queries (option 65074), replacing a client\'s own.',
    apply: (b, val, o) => {
      const id = u(val);
      if (id === '') throw new ConfigError('FANDNS_CONFIG_VALUE', o, 'add-cpe-id needs a string');
      if (Buffer.byteLength(id) > MAX_CPE_ID) throw new ConfigError('FANDNS_CONFIG_VALUE', o, `add-cpe-id is longer than ${MAX_CPE_ID} bytes`);
      b.cpeId = id;
    } },
  { name: 'add-subnet', arg: 'optional', repeat: 'single', hint: '[=[<ipv4>/]<prefix>[,[<ipv6>/]<prefix>]]',
    describe: "Add an EDNS Client Subnet option (RFC 7871) to forwarded queries: the client's address cut to the prefix, or a fixed address.",
    apply: (b, val, o) => { b.addSubnet = parseAddSubnet(val === null ? null : u(val), o); } },
  { name: 'strip-subnet', arg: 'flag', repeat: 'single',
    describe: "Remove a client's own ECS option from forwarded queries (with add-subnet: replace it).", apply: (b) => { b.stripSubnet = true; } },
];
