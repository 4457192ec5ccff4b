/**
 * Which health check (health-check=) each server gets. A check for domain D covers the servers of
 * every `server=` rule for D or a name below it (`server=/d/`, `/*.d/`, `/*d/` alike); a check for
 * the default servers (`/#/`, or no domain) covers the servers of `server=ip` and `server=/#/ip`
 * lines and of resolv-file. A server several checks cover gets the one with the longest domain
 * (the default servers' check counts as the shortest): the most specific question about it.
 * Servers no check covers (`server=//ip` for unqualified names included) are not checked.
 */
import type { DomainRule, HealthCheckRule, UpstreamSpec } from '../config/types.js';
import { specKey } from './registry.js';

/** True when `check` covers a rule for `name` (its match kind `match`). */
function covers(check: HealthCheckRule, name: string, isDefault: boolean): boolean {
  if (check.domain === null) return isDefault;
  return !isDefault && (name === check.domain || name.endsWith(`.${check.domain}`));
}

/** Domain length for ranking: the default servers' check ranks below every domain. */
const rank = (c: HealthCheckRule): number => (c.domain === null ? -1 : c.domain.length);

/**
 * The check of each covered server, by its registry key (specKey), from the rules that reach
 * the routing table and the servers read from resolv-file.
 */
export function assignChecks(
  rules: readonly DomainRule[], resolv: readonly UpstreamSpec[], checks: readonly HealthCheckRule[],
): Map<string, HealthCheckRule> {
  const out = new Map<string, HealthCheckRule>();
  const offer = (spec: UpstreamSpec, name: string, isDefault: boolean): void => {
    const key = specKey(spec);
    for (const c of checks) {
      if (!covers(c, name, isDefault)) continue;
      const held = out.get(key);
      if (held === undefined || rank(c) > rank(held)) out.set(key, c);
    }
  };
  for (const r of rules) {
    if (r.action.kind !== 'forward' || r.domain.match === 'unqualified') continue;
    offer(r.action.server, r.domain.name, r.domain.match === 'default');
  }
  for (const s of resolv) offer(s, '', true);
  return out;
}
