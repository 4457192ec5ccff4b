/**
 * Clear-text servers named by host name (`server=/consul/consul.internal#8600`, dnsmasq 2.88+):
 * which names a configuration needs looked up, and the configuration once they are, each address
 * a server of its own as in dnsmasq. The lookups themselves are src/server-name-lookup.ts's.
 */
import { isIP } from 'node:net';
import type { Origin } from '../errors.js';
import type { Config, DomainRule, UpstreamSpec } from './types.js';

/** One name to look up: for IPv4 and IPv6 (0) or one family, and the first line that names it. */
export interface ServerName {
  readonly name: string;
  readonly family: 0 | 4 | 6;
  readonly origin: Origin;
}

/** The key a name's addresses go by in `found`. */
export const nameKey = (name: string, family: 0 | 4 | 6): string => `${family}/${name}`;

/** True for a clear-text server still named by a host name: it cannot be asked until withServerAddresses. */
export const namedClearText = (s: UpstreamSpec): s is UpstreamSpec & { lookup: 0 | 4 | 6 } => s.lookup !== undefined && s.tls === undefined;

/** The clear-text server a rule forwards to, when it is named by a host name. */
function namedServer(r: DomainRule): (UpstreamSpec & { lookup: 0 | 4 | 6 }) | null {
  return r.action.kind === 'forward' && namedClearText(r.action.server) ? r.action.server : null;
}

/** The names `config`'s clear-text servers are named by, each once, in config order. */
export function serverNames(config: Config): ServerName[] {
  const out = new Map<string, ServerName>();
  for (const r of config.rules) {
    const s = namedServer(r);
    if (s === null) continue;
    const key = nameKey(s.address, s.lookup);
    if (!out.has(key)) out.set(key, { name: s.address, family: s.lookup, origin: r.origin });
  }
  return [...out.values()];
}

/**
 * `config` with each rule whose clear-text server is named by a host name made into one rule per
 * address `found` has for the name, in its order, right where the rule was; a name with no
 * addresses there leaves no rule. The result keeps the rules as written and `found` in
 * `serverNames`, to be looked up again (server-name-refresh).
 */
export function withServerAddresses(config: Config, found: ReadonlyMap<string, readonly string[]>): Config {
  if (!config.rules.some((r) => namedServer(r) !== null)) return config;
  const rules = config.rules.flatMap((r): DomainRule[] => {
    const s = namedServer(r);
    if (s === null) return [r];
    const { lookup, ...rest } = s;
    return (found.get(nameKey(s.address, lookup)) ?? []).map((address) => ({
      ...r,
      action: { kind: 'forward', server: Object.freeze({ ...rest, address, family: isIP(address) === 6 ? 6 : 4, hostName: s.address }) },
    }));
  });
  return Object.freeze({ ...config, rules: Object.freeze(rules), serverNames: Object.freeze({ rules: config.rules, found }) });
}
