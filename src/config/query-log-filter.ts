/**
 * Which queries the query log writes (fandns; dnsmasq logs all or nothing):
 * `log-queries-domain=/d/…` logs only names at or below these domains, `log-queries-exclude=/d/…`
 * never logs names at or below those (the longest configured domain decides), and
 * `log-queries-sample=N` writes one ordinary query in N. Part of the directive table in
 * directives.ts; the filter itself is src/log/query-log-filter.ts.
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import { int, unquoted, type Directive } from './directive-kit.js';
import { isDomainScoped, scopeOf } from './domain-cache-ttl.js';
import { localName } from './local-records.js';
import type { QueryLogFilterConfig } from './types.js';

/** The domain lines of both options, each domain once. */
export class LogDomainLines {
  readonly #byDomain = new Map<string, { log: boolean; origin: Origin }>();
  sample: number | null = null;

  /** Records the domains of one line; a domain named by either option before is an error. */
  add(domains: readonly string[], log: boolean, origin: Origin): void {
    for (const d of domains) {
      const prev = this.#byDomain.get(d);
      if (prev) {
        throw new ConfigError('FANDNS_CONFIG_REPEATED', origin, `${d} is already a ${optionOf(prev.log)} domain (${formatOrigin(prev.origin)})`);
      }
      this.#byDomain.set(d, { log, origin });
    }
  }

  /** The filter, or null when no line was given (every query is logged). */
  build(): QueryLogFilterConfig | null {
    if (this.#byDomain.size === 0 && this.sample === null) return null;
    return {
      sampleEvery: this.sample ?? 1,
      domains: [...this.#byDomain].map(([domain, { log }]) => ({ domain, log })),
    };
  }
}

const optionOf = (log: boolean) => (log ? 'log-queries-domain' : 'log-queries-exclude');

/** Reads one domain line of `log-queries-domain` or `log-queries-exclude`. */
const domainLine = (log: boolean): Directive['apply'] => (b, val, o) => {
  const option = optionOf(log);
  const text = unquoted(val);
  if (!isDomainScoped(text) && text.includes('/')) {
    throw new ConfigError('FANDNS_CONFIG_VALUE', o, `${option}: "${text}": give a domain, or /domain/[domain/…]`);
  }
  b.logFilter.add(isDomainScoped(text) ? scopeOf(text, o, option) : [localName(text, o, `${option} domain`)], log, o);
};

/** The filter rows, in --help order. */
export const QUERY_LOG_FILTER_DIRECTIVES: readonly Directive[] = [
  { name: 'log-queries-domain', arg: 'value', repeat: 'list', hint: '[/]<domain>[/<domain>…/]',
    describe: 'fandns: with log-queries, log only queries for names at or below these domains.',
    apply: domainLine(true) },
  { name: 'log-queries-exclude', arg: 'value', repeat: 'list', hint: '[/]<domain>[/<domain>…/]',
    describe: 'fandns: with log-queries, never log queries for names at or below these domains (the longest listed domain decides).',
    apply: domainLine(false) },
  { name: 'log-queries-sample', arg: 'value', repeat: 'single', hint: '<n>',
    describe: 'fandns: with log-queries, log one answered query in n; failures (SERVFAIL, REFUSED, blocked, stale, dropped) are always logged.',
    apply: (b, val, o) => { b.logFilter.sample = int('log-queries-sample', 1, 1_000_000)(val, o); } },
];
