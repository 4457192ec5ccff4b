/**
 * `log-facility=` (reference §5.1): a value containing "/" is a file, "-" is stderr. dnsmasq also
 * accepts syslog facility names; fandns has no syslog writer, so those log to stderr with a
 * warning (under systemd, stderr goes to the journal). Anything else is an error, as in dnsmasq.
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import type { LogTarget } from './types.js';

const FACILITIES = new Set(['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']);

/** Parses the value; syslog facility names add a warning to `warnings`. */
export function parseLogFacility(value: string, origin: Origin, warnings: string[]): LogTarget {
  if (value === '-') return { kind: 'stderr' };
  if (value.includes('/')) return { kind: 'file', path: value };
  if (FACILITIES.has(value.toLowerCase())) {
    warnings.push(`${formatOrigin(origin)}: syslog facility "${value}" is not supported; logging to stderr`);
    return { kind: 'stderr' };
  }
  throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad log facility "${value}": give a file path containing "/" or "-" for stderr`);
}
