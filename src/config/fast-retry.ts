/**
 * `fast-dns-retry[=<first ms>[,<retry time ms>]]` and `port-limit=<#ports>`: the values, and how
 * they sit with upstream-timeout. dnsmasq 2.90 (verified): a bare option is 1000,10000; the first
 * delay must be at least 50 ms; port-limit at least 1.
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import type { FastRetry } from './types.js';
import { parseIntIn } from './values.js';
import type { Setting } from './builder.js';

/** dnsmasq's defaults (DEFAULT_FAST_RETRY; TIMEOUT, 10 s). */
export const FAST_RETRY_DEFAULTS: FastRetry = { firstMs: 1000, totalMs: 10_000 };

/** Longest first delay: upstream-timeout's own upper bound. */
const MAX_FIRST_MS = 60_000;
/** Longest retry time: query-timeout's own upper bound. */
const MAX_TOTAL_MS = 120_000;
/** Most sockets the copies of one query may use: the pool each server keeps (udp-transport.ts). */
export const MAX_PORT_LIMIT = 8;

/** fast-dns-retry as written: its values, and whether the retry time was given. */
export interface FastRetrySetting {
  readonly retry: FastRetry;
  readonly totalGiven: boolean;
}

/** Reads a `fast-dns-retry` value: null (bare) for the defaults, else `first[,total]` in ms. */
export function parseFastRetry(value: string | null, o: Origin): FastRetrySetting {
  if (value === null) return { retry: FAST_RETRY_DEFAULTS, totalGiven: false };
  const fields = value.split(',').map((f) => f.trim());
  if (fields.length > 2) throw new ConfigError('FANDNS_CONFIG_VALUE', o, `fast-dns-retry takes <first ms>[,<retry time ms>], got "${value}"`);
  const firstMs = parseIntIn(fields[0]!, o, 'fast-dns-retry first delay', 50, MAX_FIRST_MS);
  const totalGiven = fields.length === 2;
  const totalMs = totalGiven ? parseIntIn(fields[1]!, o, 'fast-dns-retry retry time', 0, MAX_TOTAL_MS) : FAST_RETRY_DEFAULTS.totalMs;
  if (totalMs <= firstMs) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', o,
      `fast-dns-retry=${value}: the retry time must be longer than the first delay, or no query is ever sent again`);
  }
  return { retry: { firstMs, totalMs }, totalGiven };
}

/** Reads a `port-limit` value: 1 to the sockets each server keeps. */
export function parsePortLimit(value: string, o: Origin): number {
  const n = parseIntIn(value, o, 'port-limit', 1, Number.MAX_SAFE_INTEGER);
  if (n > MAX_PORT_LIMIT) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', o, `port-limit=${n} is out of range (1-${MAX_PORT_LIMIT}): fandns keeps ${MAX_PORT_LIMIT} sockets per server`);
  }
  return n;
}

/**
 * Warnings for settings that cannot do what they say, given the others: no copy fits in an
 * attempt, copies cut short by upstream-timeout, port-limit without copies to spread.
 */
export function fastRetryWarnings(fast: Setting<FastRetrySetting> | null, portLimit: Setting<number> | null, upstreamTimeoutMs: number): string[] {
  const out: string[] = [];
  if (fast !== null) {
    const { retry, totalGiven } = fast.value;
    const where = formatOrigin(fast.origin);
    if (retry.firstMs >= upstreamTimeoutMs) {
      out.push(`${where}: fast-dns-retry first delay ${retry.firstMs} ms is not shorter than upstream-timeout=${upstreamTimeoutMs} ms: an attempt ends before any copy is sent`);
    } else if (totalGiven && retry.totalMs > upstreamTimeoutMs) {
      out.push(`${where}: fast-dns-retry copies stop when an attempt ends at upstream-timeout=${upstreamTimeoutMs} ms, before the retry time of ${retry.totalMs} ms; raise upstream-timeout to resend for longer`);
    }
  }
  if (portLimit !== null && portLimit.value > 1 && fast === null) {
    out.push(`${formatOrigin(portLimit.origin)}: port-limit has no effect without fast-dns-retry (each query goes once to each server, from one port)`);
  }
  return out;
}
