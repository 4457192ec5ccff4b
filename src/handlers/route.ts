/**
 * The routing decision for a query, computed once and memoised on the Query (DESIGN.md: "the
 * match is computed once"); the local and forward stages both read it.
 */
import type { Query } from '../pipeline/query.js';
import type { DomainTable, Route } from '../routing/domain-table.js';
import type { ServerGroup } from '../upstream/group.js';

/** A route whose groups are server groups. */
export type GroupRoute = Route<ServerGroup>;

/** The route for `q` under `table`, looked up on first use. */
export function routeOf(q: Query, table: DomainTable<ServerGroup>): GroupRoute {
  if (q.route === null) q.route = table.lookup(q.p.key, q.nameLen, q.p.qtype, q);
  return q.route as GroupRoute;
}

/** The domain of the `server=` rule a route forwards by ('' for the default servers and for non-forward routes). */
export const forwardDomain = (r: GroupRoute): string => (r.kind === 'forward' ? r.domain : '');
