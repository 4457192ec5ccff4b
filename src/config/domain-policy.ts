/**
 * Server policies for one domain (fandns; dnsmasq has `all-servers` and `strict-order` only for
 * every group and rejects a value): `all-servers=/service.consul/`, `strict-order=/corp/` and
 * `merge-answers=/service.consul/` set the policy of the server groups whose rules are at or below
 * the domains. The plain forms keep their global meaning; which group takes which policy is decided
 * when the routing table is built (src/upstream/policy-scope.ts).
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import type { ConfigBuilder } from './builder.js';
import { isDomainScoped, scopeOf } from './domain-cache-ttl.js';
import { unquoted } from './directive-kit.js';
import type { DomainPolicy, UpstreamPolicy } from './types.js';

/** Collects the domain-scoped policy lines; one policy per domain. */
export class DomainPolicyLines {
  readonly #byDomain = new Map<string, DomainPolicy>();

  /** Records `policy` for each domain; a domain given a policy twice (the same or another) is an error. */
  set(domains: readonly string[], policy: UpstreamPolicy, origin: Origin): void {
    for (const domain of domains) {
      const prev = this.#byDomain.get(domain);
      if (prev) {
        throw new ConfigError('FANDNS_CONFIG_CONFLICT', origin,
          `${policy}=/${domain}/: ${domain} already has ${prev.policy} (${formatOrigin(prev.origin)}); give a domain one policy`);
      }
      this.#byDomain.set(domain, { domain, policy, origin });
    }
  }

  /** The policies in the order given. */
  list(): DomainPolicy[] {
    return [...this.#byDomain.values()];
  }
}

/**
 * The apply of a policy option: `/d/…/` records the policy for those domains; no value calls
 * `global` (null: the option has no global form, and a value is required).
 */
export function scopedPolicy(policy: UpstreamPolicy, global: ((b: ConfigBuilder) => void) | null) {
  return (b: ConfigBuilder, value: string | null, o: Origin): void => {
    if (value === null && global !== null) return global(b);
    if (global === null && !isDomainScoped(unquoted(value))) {
      throw new ConfigError('FANDNS_CONFIG_SYNTAX', o, `${policy} needs /domain/[domain/…] (got "${value ?? ''}")`);
    }
    b.domainPolicies.set(scopeOf(value, o, policy), policy, o);
  };
}
