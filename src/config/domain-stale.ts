/**
 * The serve-stale options (RFC 8767) and their domain-scoped forms (fandns; dnsmasq 2.90 has
 * `use-stale-cache[=N]` for every name only, and refuses `/d/`: "error at line N", verified):
 *
 *   use-stale-cache[=N]            every name: N seconds past expiry (bare: 86400; 0: no limit)
 *   use-stale-cache=/d/…/[N]       names under the domains, N read the same way (`/d/` alone: 86400)
 *   no-stale-cache=/d/…/           names under the domains never get stale answers
 *   stale-client-timeout=[/d/…/]MS how long a client waits for the refresh first
 *
 * Domain lines go to the builder's DomainTtlLines, which resolves them with the other per-domain
 * cache settings (the longest domain wins, parents' settings under it, the global ones under all).
 */
import { ConfigError, type Origin } from '../errors.js';
import { DEFAULTS, type ConfigBuilder } from './builder.js';
import { MAX_TTL, unquoted } from './directive-kit.js';
import { isDomainScoped, scopeOf, splitDomainScope } from './domain-cache-ttl.js';
import { parseIntIn } from './values.js';

/** Longest stale-client-timeout, in ms. */
const MAX_CLIENT_TIMEOUT_MS = 60_000;

/** Seconds past expiry as `use-stale-cache` reads them: empty is the default window. */
const window = (text: string, o: Origin): number =>
  text === '' ? DEFAULTS.staleMaxSec : parseIntIn(text, o, 'use-stale-cache', 0, MAX_TTL);

/** Applies `use-stale-cache`, bare, `=N` or `=/d/…/[N]`. */
export function applyUseStaleCache(b: ConfigBuilder, value: string | null, o: Origin): void {
  if (value === null) {
    b.staleMaxSec = null;
    return;
  }
  const text = unquoted(value);
  if (!isDomainScoped(text)) {
    b.staleMaxSec = parseIntIn(text, o, 'use-stale-cache', 0, MAX_TTL);
    return;
  }
  const { domains, rest } = splitDomainScope(text, o, 'use-stale-cache');
  b.domainTtls.set(domains, 'staleMaxSec', window(rest, o), o);
}

/**
 * Applies `no-stale-cache=/d/…/`: serve-stale off under the domains (a global `use-stale-cache` or a
 * parent domain's turned it on). The domain form is the only one: without use-stale-cache nothing
 * is served stale anyway.
 */
export function applyNoStaleCache(b: ConfigBuilder, value: string | null, o: Origin): void {
  if (!isDomainScoped(unquoted(value))) {
    throw new ConfigError('FANDNS_CONFIG_SYNTAX', o, `no-stale-cache takes /domain/[domain/…] (got "${unquoted(value)}"); without use-stale-cache nothing is served stale anyway`);
  }
  b.domainTtls.set(scopeOf(value, o, 'no-stale-cache'), 'staleMaxSec', null, o, 'no-stale-cache');
}

/** Applies `stale-client-timeout=MS` or `=/d/…/MS`. */
export function applyStaleClientTimeout(b: ConfigBuilder, value: string | null, o: Origin): void {
  const text = unquoted(value);
  if (!isDomainScoped(text)) {
    b.staleClientTimeoutMs = parseIntIn(text, o, 'stale-client-timeout', 0, MAX_CLIENT_TIMEOUT_MS);
    return;
  }
  const { domains, rest } = splitDomainScope(text, o, 'stale-client-timeout');
  b.domainTtls.set(domains, 'staleClientTimeoutMs', parseIntIn(rest, o, 'stale-client-timeout', 0, MAX_CLIENT_TIMEOUT_MS), o);
}
