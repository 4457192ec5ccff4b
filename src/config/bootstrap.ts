/**
 * fandns's `bootstrap-server=ADDR[#PORT][@SOURCE]` lines: the servers that look up the host names
 * servers may be named by (server-spec.ts): tls:// and https:// ones always, clear-text ones
 * instead of the system's resolver. A bootstrap server is named by its address (a name would need
 * a bootstrap of its own); it may itself be `tls://ADDR` or `https://ADDR`.
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import { parseUpstream } from './server-spec.js';
import type { DomainRule, UpstreamSpec } from './types.js';

/** True for a rule that forwards to a tls:// or https:// server named by a host name (a clear-text one's may go to the system's resolver). */
const named = (r: DomainRule): boolean => r.action.kind === 'forward' && r.action.server.lookup !== undefined && r.action.server.tls !== undefined;

/** Why rule `r` (one `named` is true for) cannot work without bootstrap-server=. */
function unbooted(r: DomainRule): string {
  const s = r.action.kind === 'forward' ? r.action.server : null;
  return `server ${s?.tls?.path === null ? 'tls' : 'https'}://${s?.address} is named by a host name: add bootstrap-server=ADDR, a server to look it up with`;
}

/**
 * Throws a ConfigError at the first of `rules` whose tls:// or https:// server is named by a host
 * name, when there is no bootstrap server to look it up with (`bootstrap` empty); the routing's
 * last check, for rules that did not come from the configuration's lines (admin-api's).
 */
export function checkBootstrap(rules: readonly DomainRule[], bootstrap: readonly UpstreamSpec[]): void {
  const first = bootstrap.length === 0 ? rules.find(named) : undefined;
  if (first !== undefined) throw new ConfigError('FANDNS_CONFIG_CONFLICT', first.origin, unbooted(first));
}

/** The `bootstrap-server=` lines read so far. */
export class BootstrapLines {
  readonly #servers: UpstreamSpec[] = [];

  /** Reads one `bootstrap-server=` value: a server as `server=` writes it, by address. */
  add(value: string, origin: Origin): void {
    const spec = parseUpstream(value, origin);
    if (spec === null) throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad bootstrap-server "${value}": 0.0.0.0 and :: name no server`);
    if (spec.lookup !== undefined) {
      throw new ConfigError('FANDNS_CONFIG_VALUE', origin, `bad bootstrap-server "${value}": write its address (a host name would need a bootstrap server of its own)`);
    }
    this.#servers.push(spec);
  }

  /**
   * The bootstrap servers, and `rules` without the ones that cannot work. Without bootstrap-server=,
   * a server named by a host name is an error at its line, or, from the servers-file (whose bad lines
   * never stop the server), a warning, and its rule is dropped.
   */
  build(rules: readonly DomainRule[], serversFile: string | null, warnings: string[]): { servers: readonly UpstreamSpec[]; rules: readonly DomainRule[] } {
    if (this.#servers.length > 0 || !rules.some(named)) return { servers: this.#servers, rules };
    checkBootstrap(rules.filter((r) => r.origin.file !== serversFile), this.#servers);
    for (const r of rules.filter(named)) warnings.push(`${formatOrigin(r.origin)}: ${unbooted(r)}; line ignored`);
    return { servers: this.#servers, rules: rules.filter((r) => !named(r)) };
  }
}
