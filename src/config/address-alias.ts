/**
 * `alias=[<old-ip>]|[<start-ip>-<end-ip>],<new-ip>[,<mask>]` (dnsmasq `-V`, "DNS doctoring"):
 * IPv4 addresses in upstream answers to rewrite. Parsed as dnsmasq 2.90 does (checked on the
 * binary): three fields at most, IPv4 only, a mask in dotted form (any bit pattern), and a range
 * whose two ends lie in one network under the mask (so a range needs a mask unless its ends are
 * equal) and do not run backwards.
 */
import { ConfigError, type Origin } from '../errors.js';
import { ipv4Number } from '../util/ip.js';
import { splitFields } from './lexer.js';
import type { AddressAlias } from './types.js';

/** One field that must be an IPv4 address; `what` names it in the error. */
function field(text: string | undefined, origin: Origin, what: string): number {
  const n = text === undefined ? null : ipv4Number(text);
  if (n === null) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `alias: ${what} must be an IPv4 address, got "${text ?? ''}" (alias=<old-ip>[-<end-ip>],<new-ip>[,<mask>])`);
  }
  return n;
}

/** Parses one `alias=` value. */
export function parseAddressAlias(value: string, origin: Origin): AddressAlias {
  const fields = splitFields(value).map((f) => f.trim());
  if (fields.length < 2 || fields.length > 3) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `alias needs <old-ip>[-<end-ip>],<new-ip>[,<mask>], got "${value}"`);
  }
  const [old = '', replacement, mask] = fields;
  const dash = old.indexOf('-');
  const from = field(dash < 0 ? old : old.slice(0, dash), origin, 'the old address');
  const out: AddressAlias = {
    from,
    to: dash < 0 ? null : field(old.slice(dash + 1), origin, 'the end of the range'),
    replacement: field(replacement, origin, 'the new address'),
    mask: mask === undefined ? 0xffffffff : field(mask, origin, 'the mask'),
    origin,
  };
  if (out.to !== null && (out.to < from || ((out.to ^ from) & out.mask) !== 0)) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin,
      `alias: invalid range ${old}: its end must not come before its start, and both must lie in one network under the mask`);
  }
  return out;
}
