/**
 * Decides which queries the query log writes (`log-queries-domain`, `log-queries-exclude`,
 * `log-queries-sample`): the longest listed domain a name is at or below says log or not (with
 * only exclusions listed, other names are logged; with any `log-queries-domain`, names under no
 * listed domain are not), and of the queries that pass, ordinary answers are written one in N
 * while failures are always written, so sampling thins the bulk and never hides a problem.
 */
import type { QueryLogFilterConfig } from '../config/types.js';
import type { Query } from '../pipeline/query.js';
import type { Reply } from '../pipeline/types.js';
import { SuffixMap } from '../routing/suffix-map.js';
import { RCode } from '../wire/constants.js';

/**
 * True for an answer sampling may skip: from local data, the cache or an upstream, NOERROR or
 * NXDOMAIN. Dropped queries, errors fandns made, blocked and stale answers, and SERVFAIL,
 * REFUSED or any other RCODE from an upstream are not ordinary.
 */
export function isOrdinary(r: Reply | null): boolean {
  if (r === null || r.source === 'error' || r.source === 'blocked' || r.source === 'stale') return false;
  const rcode = r.rcode;
  return rcode === RCode.NOERROR || rcode === RCode.NXDOMAIN;
}

/** The query log's filter, built from the configuration. */
export class QueryLogFilter {
  readonly #domains: SuffixMap<boolean> | null;
  /** Names under no listed domain: logged unless some domain is listed to be logged. */
  readonly #unlisted: boolean;
  readonly #every: number;
  #seen = 0;

  private constructor(cfg: QueryLogFilterConfig) {
    this.#domains = cfg.domains.length === 0 ? null : new SuffixMap(cfg.domains.map((d) => [d.domain, d.log] as const));
    this.#unlisted = !cfg.domains.some((d) => d.log);
    this.#every = cfg.sampleEvery;
  }

  /** The filter for `cfg`, or null when every query is logged. */
  static from(cfg: QueryLogFilterConfig | null): QueryLogFilter | null {
    return cfg === null ? null : new QueryLogFilter(cfg);
  }

  /** True when the query log should write this query. Counts the ordinary ones it samples. */
  admits(q: Query, r: Reply | null): boolean {
    if (this.#domains !== null && !(this.#domains.longest(q.p.key, q.nameLen) ?? this.#unlisted)) return false;
    if (this.#every === 1 || !isOrdinary(r)) return true;
    const n = this.#seen; // 0 for the first of every run of N: the first ordinary query is written
    this.#seen = n + 1 === this.#every ? 0 : n + 1;
    return n === 0;
  }
}
