/**
 * `interface-name=<name>,<interface>[/4|/6]` and
 * `dynamic-host=<name>,[<IPv4>],[<IPv6>],<interface>` (dnsmasq 2.90 man page and option.c):
 * names whose addresses come from a network interface, read while fandns runs. An interface-name
 * takes the interface's addresses (only IPv4 or IPv6 ones with `/4` or `/6`); a dynamic-host
 * keeps each address's network part and puts the given address's host part in. Both are kept in
 * one list, in config order, because the first line holding an address gives it its PTR.
 * What dnsmasq 2.90 takes but cannot serve is refused here (checked with `dnsmasq --test`):
 * fields after the interface (ignored there), an empty interface, a name longer than an interface
 * name can be (15 characters on Linux), two addresses of one family in a dynamic-host (the last
 * one wins there).
 */
import { isIP } from 'node:net';
import { ConfigError, type Origin } from '../errors.js';
import { splitFields } from './lexer.js';
import { localName } from './local-records.js';
import type { InterfaceHost } from './types.js';

/** Longest Linux interface name (IFNAMSIZ less the terminating NUL). */
const MAX_INTERFACE_NAME = 15;

const bad = (option: string, origin: Origin, message: string) => new ConfigError('FANDNS_CONFIG_VALUE', origin, `${option}: ${message}`);

/** The interface field: a name of 1 to 15 characters without `/`, `,` or white space. */
function interfaceField(option: string, text: string | undefined, origin: Origin): string {
  if (text === undefined || text === '') throw bad(option, origin, 'missing interface name');
  if (text.length > MAX_INTERFACE_NAME || /[/\s]/.test(text)) {
    throw bad(option, origin, `bad interface name "${text}" (at most ${MAX_INTERFACE_NAME} characters, no "/" or spaces)`);
  }
  return text;
}

/** Parses one `interface-name=` value. */
export function parseInterfaceName(value: string, origin: Origin): InterfaceHost {
  const option = 'interface-name';
  const fields = splitFields(value);
  if (fields.length !== 2) throw bad(option, origin, 'needs <name>,<interface>[/4|/6]');
  const name = localName(fields[0]!, origin, `${option} name`);
  const [iface, family, ...rest] = fields[1]!.split('/');
  if (rest.length > 0 || (family !== undefined && family !== '4' && family !== '6')) {
    throw bad(option, origin, `bad "${fields[1]}": the interface may be followed by /4 or /6 only`);
  }
  const v4 = family !== '6';
  const v6 = family !== '4';
  return { name, iface: interfaceField(option, iface, origin), v4, v6, host4: null, host6: null, origin };
}

/** Parses one `dynamic-host=` value. */
export function parseDynamicHost(value: string, origin: Origin): InterfaceHost {
  const option = 'dynamic-host';
  const fields = splitFields(value);
  if (fields.length < 3 || fields.length > 4) throw bad(option, origin, 'needs <name>,[<IPv4>],[<IPv6>],<interface>');
  const name = localName(fields[0]!, origin, `${option} name`);
  let host4: string | null = null;
  let host6: string | null = null;
  for (const text of fields.slice(1, -1)) {
    const family = isIP(text);
    if (text === '') continue;
    if (family === 0) throw bad(option, origin, `bad address "${text}"`);
    if ((family === 4 ? host4 : host6) !== null) throw bad(option, origin, `two IPv${family} addresses`);
    if (family === 4) host4 = text;
    else host6 = text;
  }
  if (host4 === null && host6 === null) throw bad(option, origin, 'needs an IPv4 or IPv6 address (the host part)');
  const iface = interfaceField(option, fields.at(-1), origin);
  return { name, iface, v4: host4 !== null, v6: host6 !== null, host4, host6, origin };
}
