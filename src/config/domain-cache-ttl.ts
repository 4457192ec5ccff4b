/**
 * Cache settings for one domain (fandns; dnsmasq has these options only globally):
 * `min-cache-ttl=/service.consul/2`, `max-cache-ttl=/d1/d2/N`, `neg-ttl=/d/N`, `no-negcache=/d/`
 * and the serve-stale settings (`use-stale-cache=/d/[N]`, `no-stale-cache=/d/`,
 * `stale-client-timeout=/d/MS`, src/config/domain-stale.ts) apply to answers for names at or below
 * the domains. A domain's policy is the global one with the settings of its configured parent
 * domains laid over it, outermost first, then its own; a name takes the policy of the longest
 * configured domain it is under (resolved in the runtime).
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import type { DomainCachePolicy } from './types.js';
import { localName } from './local-records.js';
import type { ConfigBuilder, Setting } from './builder.js';
import { MAX_TTL, unquoted } from './directive-kit.js';
import { parseIntIn } from './values.js';

/** The settings a domain-scoped line may set (`staleMaxSec` null: no serve-stale there). */
export type DomainTtlField = 'minTtl' | 'maxTtl' | 'negTtl' | 'noNegcache' | 'staleMaxSec' | 'staleClientTimeoutMs';

/** A field's value: seconds, milliseconds, a flag, or null (no neg-ttl, serve-stale off). */
type FieldValue = number | boolean | null;

/** The global settings the domain policies start from: a policy less its domain. */
export type GlobalTtls = Omit<DomainCachePolicy, 'domain'>;

/** The option each field comes from, for messages. */
const OPTION: Record<DomainTtlField, string> = {
  minTtl: 'min-cache-ttl', maxTtl: 'max-cache-ttl', negTtl: 'neg-ttl', noNegcache: 'no-negcache',
  staleMaxSec: 'use-stale-cache', staleClientTimeoutMs: 'stale-client-timeout',
};

/** One domain line's setting, with the option that gave it (no-stale-cache and use-stale-cache share a field). */
interface FieldSetting extends Setting<FieldValue> {
  readonly option: string;
}

/** True when an option value is domain-scoped (`/domain/…`). */
export const isDomainScoped = (value: string | null): boolean => value !== null && value.startsWith('/');

/**
 * Splits `/d1/d2/rest` into its domains and what follows the last `/`; domains are checked and
 * made canonical. `//` (names without a dot) and wildcards have no meaning here: errors. So is
 * `#`, unless `defaultServers` lets it stand (as itself) for the default servers, as in `server=/#/`.
 */
export function splitDomainScope(value: string, origin: Origin, option: string, defaultServers = false): { domains: string[]; rest: string } {
  const last = value.lastIndexOf('/');
  const parts = value.slice(1, last).split('/');
  if (last === 0 || parts.some((p) => p === '' || (p === '#' && !defaultServers) || p.includes('*'))) {
    const or = defaultServers ? ', or /#/ for the default servers' : '';
    throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${option}: "${value}": give /domain/[domain/…] with plain domain names${or}`);
  }
  return { domains: parts.map((p) => (p === '#' ? p : localName(p, origin, `${option} domain`))), rest: value.slice(last + 1) };
}

/** The domains of a scoped flag (`no-negcache=/d/`): nothing may follow the last `/`. */
export function scopeOf(value: string | null, origin: Origin, option: string): string[] {
  const text = unquoted(value);
  if (!isDomainScoped(text)) {
    throw new ConfigError('FANDNS_CONFIG_SYNTAX', origin, `${option} takes no value, or /domain/[domain/…] (extraneous parameter "${text}")`);
  }
  const { domains, rest } = splitDomainScope(text, origin, option);
  if (rest !== '') throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `${option}: nothing may follow the last "/" (got "${rest}")`);
  return domains;
}

/**
 * The apply of a TTL option that may be domain-scoped: `N` goes to `global`, `/d/…/N` to the
 * builder's domain lines. Seconds within 0…2^31−1 (RFC 2181 §8) either way.
 */
export function scopedTtl(field: 'minTtl' | 'maxTtl' | 'negTtl', global: (b: ConfigBuilder, seconds: number, o: Origin) => void) {
  const option = OPTION[field];
  return (b: ConfigBuilder, value: string | null, o: Origin): void => {
    const text = unquoted(value);
    if (!isDomainScoped(text)) return global(b, parseIntIn(text, o, option, 0, MAX_TTL), o);
    const { domains, rest } = splitDomainScope(text, o, option);
    b.domainTtls.set(domains, field, parseIntIn(rest, o, option, 0, MAX_TTL), o);
  };
}

/** Collects the domain-scoped lines and turns them into one policy per domain. */
export class DomainTtlLines {
  readonly #byDomain = new Map<string, Map<DomainTtlField, FieldSetting>>();

  /** True when no line was given. */
  get empty(): boolean {
    return this.#byDomain.size === 0;
  }

  /**
   * Records `field = value` for each domain, as given by `option` (the field's own by default); the
   * same field twice for a domain is an error (`use-stale-cache=/d/` beside `no-stale-cache=/d/` too).
   */
  set(domains: readonly string[], field: DomainTtlField, value: FieldValue, origin: Origin, option = OPTION[field]): void {
    for (const d of domains) {
      let fields = this.#byDomain.get(d);
      if (!fields) this.#byDomain.set(d, (fields = new Map()));
      const prev = fields.get(field);
      if (prev) {
        const what = prev.option === option ? `${option} for ${d} given twice` : `${option} for ${d} contradicts ${prev.option}`;
        throw new ConfigError('FANDNS_CONFIG_REPEATED', origin, `${what} (first at ${formatOrigin(prev.origin)})`);
      }
      fields.set(field, { value, origin, option });
    }
  }

  /**
   * One policy per configured domain: `global`, then each configured parent domain's settings
   * (outermost first), then the domain's own. A policy whose minimum ends up above its maximum is
   * an error naming the line that made it so.
   */
  resolve(global: GlobalTtls): DomainCachePolicy[] {
    const out: DomainCachePolicy[] = [];
    for (const domain of this.#byDomain.keys()) {
      const chain = [...this.#byDomain.keys()].filter((d) => d === domain || domain.endsWith(`.${d}`)).sort((a, b) => a.length - b.length);
      const p = { ...global };
      let minAt: Origin | null = null;
      let maxAt: Origin | null = null;
      for (const d of chain) {
        for (const [field, s] of this.#byDomain.get(d)!) {
          (p as Record<DomainTtlField, FieldValue>)[field] = s.value;
          if (field === 'minTtl') minAt = s.origin;
          if (field === 'maxTtl') maxAt = s.origin;
        }
      }
      if (p.minTtl > p.maxTtl) {
        const where = minAt && maxAt ? ` (${formatOrigin(maxAt)})` : '';
        throw new ConfigError('FANDNS_CONFIG_CONFLICT', (minAt ?? maxAt)!, `for ${domain}, min-cache-ttl=${p.minTtl} is above max-cache-ttl=${p.maxTtl}${where}`);
      }
      out.push({ domain, ...p });
    }
    return out;
  }
}
