/**
 * Small value parsers shared by the directive table. Each throws a ConfigError naming the
 * origin, so every bad value is reported as `file:line: …`.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { AddressRange } from './types.js';
import { ConfigError, type Origin } from '../errors.js';

/** A non-negative integer written as plain digits, within [min, max]. */
export function parseIntIn(value: string, origin: Origin, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${name} needs a whole number, got "${value}"`);
  }
  const n = Number(value);
  if (n < min || n > max) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${name}=${value} is out of range (${min}-${max})`);
  }
  return n;
}

/** An IPv4 or IPv6 literal. */
export function parseIp(value: string, origin: Origin, name: string): string {
  if (isIP(value) === 0) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${name} needs an IP address, got "${value}"`);
  return value;
}

/** `host:port` or `[v6]:port` (used by fandns's own address options such as metrics-address); port 0 picks a free one. */
export function parseHostPort(value: string, origin: Origin, name: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  if (!m || isIP(m[1]!) === 0) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${name} needs ADDRESS:PORT, got "${value}"`);
  }
  return { host: m[1]!, port: parseIntIn(m[2]!, origin, `${name} port`, 0, 65535) };
}

/** A user or group name as the account database writes it (letters, digits, `_ . -`, a final `$`), or a numeric ID. */
export function parseAccount(value: string, origin: Origin, name: string): string {
  if (!/^(?:\d+|[A-Za-z_][A-Za-z0-9_.-]*\$?)$/.test(value)) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${name} needs a user or group name, got "${value}"`);
  }
  return value;
}

/**
 * `ADDR[/PREFIX]`: an IPv4 or IPv6 address and an optional prefix length (default: the whole
 * address), at least `minPrefix`. Used by bogus-nxdomain, ignore-address and rev-server.
 */
export function parseAddressRange(value: string, origin: Origin, name: string, minPrefix = 0): AddressRange {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family === 0) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad address "${address}" in ${name}`);
  const max = family === 6 ? 128 : 32;
  const text = slash < 0 ? String(max) : value.slice(slash + 1);
  const prefix = Number(text);
  if (!/^\d{1,3}$/.test(text) || prefix < minPrefix || prefix > max) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad IPv${family} prefix length "${text}" in ${name}`);
  }
  return { address, prefix };
}

/** An option's file path, which must be absolute (`NAME needs an absolute path` otherwise). */
export function absolutePath(path: string, origin: Origin, name: string): string {
  if (!path.startsWith('/')) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${name} needs an absolute path, got "${path}"`);
  return path;
}

/** The text (latin1) of the file an option names; one that cannot be read is an error at its line (`deniedHint` added for EACCES). */
export function readOptionFile(path: string, origin: Origin, name: string, deniedHint = ''): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `cannot read ${name} "${path}": ${code}${code === 'EACCES' ? deniedHint : ''}`);
  }
}
