/**
 * Which policy the server group of a rule takes (fandns `all-servers=/d/`, `strict-order=/d/`,
 * `merge-answers=/d/`): the policy of the longest configured domain the rule's scope is at or
 * below, else the global one. Decided once per group when the routing table is built; queries never
 * look it up.
 */
import type { ForwardConfig, UpstreamPolicy } from '../config/types.js';
import { SuffixMap } from '../routing/suffix-map.js';
import { encodeName } from '../wire/name.js';

/** The policy for a rule whose names are all at or below `scope` ('' for the root). */
export type PolicyOf = (scope: string) => UpstreamPolicy;

/** The policy lookup for a configuration. */
export function policyScope(forward: Pick<ForwardConfig, 'policy' | 'domainPolicies'>): PolicyOf {
  const global = forward.policy;
  if (forward.domainPolicies.length === 0) return () => global;
  const byDomain = new SuffixMap(forward.domainPolicies.map((p) => [p.domain, p.policy] as const));
  return (scope) => {
    if (scope === '') return global;
    const key = encodeName(scope).toString('latin1');
    return byDomain.longest(key, key.length) ?? global;
  };
}
