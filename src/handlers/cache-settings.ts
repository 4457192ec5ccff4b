/**
 * The cache stage's settings made from the configuration: serve-stale (RFC 8767) globally and per
 * configured domain, and the rule a stale answer is counted under.
 */
import { ttlPolicy, type TtlPolicy } from '../cache/ttl-policy.js';
import type { DomainCachePolicy } from '../config/types.js';

/** TTL of stale answers (RFC 8767 §4: 30 s). */
export const STALE_TTL = 30;

/** Serve-stale settings (RFC 8767). */
export interface StaleOptions {
  /** Seconds past expiry an entry may still be served; 0 = without limit. */
  readonly maxSec: number;
  /** How long a client waits for the refresh before it gets the stale answer (RFC 8767 §5: 1.8 s). */
  readonly clientTimeoutMs: number;
  /** TTL of stale answers. */
  readonly ttl: number;
}

/** The cache settings of names under one configured domain, its parents' and the global ones filled in. */
export interface DomainCache {
  /** The configured domain (canonical, lower case). */
  readonly domain: string;
  readonly ttl: TtlPolicy;
  /** Serve-stale for the domain, or null: its expired entries are never served. */
  readonly stale: StaleOptions | null;
}

/** Serve-stale as configured (`use-stale-cache`, `stale-client-timeout`, globally or for a domain), or null when off. */
export const staleOptions = (c: { readonly staleMaxSec: number | null; readonly staleClientTimeoutMs: number }): StaleOptions | null =>
  c.staleMaxSec === null ? null : { maxSec: c.staleMaxSec, clientTimeoutMs: c.staleClientTimeoutMs, ttl: STALE_TTL };

/** The cache stage's settings for one configured domain. */
export const domainCache = (p: DomainCachePolicy): DomainCache => ({ domain: p.domain, ttl: ttlPolicy(p), stale: staleOptions(p) });

/**
 * The rule a stale answer is counted under: the longer of `settings` (the domain of the name's
 * cache settings, or null) and `routed` (its server= rule's, '' for the default servers). Both are
 * suffixes of the name, so the longer is the more specific; "." when neither is configured.
 */
export function staleRule(settings: string | null, routed: string): string {
  const d = settings !== null && settings.length > routed.length ? settings : routed;
  return d === '' ? '.' : d;
}
