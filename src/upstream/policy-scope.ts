/**
 * Which policy the server group of a rule takes (fandns `all-servers=/d/`, `strict-order=/d/`,
 * `merge-answers=/d/`): the policy of the longest configured domain the rule's scope is at or
 * below, else the global one. Likewise whether it forwards over TCP (`force-tcp`, `force-tcp=/d/`).
 * Decided once per group when the routing table is built; queries never look it up.
 */
import type { DomainPolicy, ForwardConfig, UpstreamPolicy } from '../config/types.js';
import { SuffixMap } from '../routing/suffix-map.js';
import { encodeName } from '../wire/name.js';

/** The policy lookup for one routing table. */
export interface PolicyScope {
  /** The policy for a rule whose names are all at or below `scope` ('' for the root). */
  of(scope: string): UpstreamPolicy;
  /** The domain policies no rule has taken so far (for a warning once the table is built). */
  unused(): DomainPolicy[];
  /** True when a rule whose names are all at or below `scope` forwards over TCP. */
  tcp(scope: string): boolean;
}

/** The value of the longest domain in `map` that `scope` (a dotted name; '' for the root) is at or below. */
function longestOver<V>(map: SuffixMap<V>, scope: string): V | undefined {
  if (scope === '' || map.empty) return undefined;
  const key = encodeName(scope).toString('latin1');
  return map.longest(key, key.length);
}

/** The policy lookup for a configuration. */
export function policyScope(forward: Pick<ForwardConfig, 'policy' | 'domainPolicies' | 'forceTcp' | 'forceTcpDomains'>): PolicyScope {
  const global = forward.policy;
  const byDomain = new SuffixMap(forward.domainPolicies.map((p) => [p.domain, p] as const));
  const tcpDomains = new SuffixMap(forward.forceTcpDomains.map((d) => [d, true] as const));
  const used = new Set<DomainPolicy>();
  return {
    of(scope) {
      const p = longestOver(byDomain, scope);
      if (p === undefined) return global;
      used.add(p);
      return p.policy;
    },
    unused: () => forward.domainPolicies.filter((p) => !used.has(p)),
    tcp: (scope) => forward.forceTcp || longestOver(tcpDomains, scope) === true,
  };
}
