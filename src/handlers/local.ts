/**
 * The local stage: answers that never touch the cache or the network. For now the domain-rule
 * outcomes: `address=` (A/AAAA for a domain and below, reference §1.3) and local-only domains
 * (`server=/d/`, `local=/d/`, `address=/d/`: NXDOMAIN, or NODATA when the domain has addresses
 * of another type), both authoritative (AA) with `local-ttl`.
 */
import { QClass, RCode } from '../wire/constants.js';
import { answerReply } from '../wire/answer-build.js';
import { questionReply } from '../wire/reply-build.js';
import { Reply, type Handler } from '../pipeline/types.js';
import type { DomainTable } from '../routing/domain-table.js';
import type { ServerGroup } from '../upstream/group.js';
import { routeOf } from './route.js';

/** Options for the local stage. */
export interface LocalOptions {
  readonly localTtl: number;
}

/** Creates the local stage over the current domain table. */
export function createLocal(opts: LocalOptions, table: DomainTable<ServerGroup>): Handler {
  return {
    name: 'local',
    handle(q, next) {
      const route = routeOf(q, table);
      if (route.kind === 'address' && (q.p.qclass === QClass.IN || q.p.qclass === QClass.ANY)) {
        const records = route.rdata.map((rdata) => ({ type: route.rrtype, rdata }));
        const wire = answerReply(q.msg, q.p.qEnd, QClass.IN, records, opts.localTtl, true);
        return new Reply(wire, 'local', true, -1, -1, null);
      }
      if (route.kind === 'local') {
        const rcode = route.hasAddress ? RCode.NOERROR : RCode.NXDOMAIN;
        return new Reply(questionReply(q.msg, q.p.qEnd, rcode, true), 'local', true, -1, -1, null);
      }
      return next(q);
    },
  };
}
