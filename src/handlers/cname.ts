/**
 * The cname stage: `cname=alias,target` answers a query for the alias with the CNAME and then
 * whatever the whole pipeline returns for the target (local data, cache, then the upstream its
 * domain rules pick, all-servers arbitration included). This is what dnsmasq cannot do: its
 * aliases only see local and already-cached data (reference §3.3). Aliases of aliases are
 * followed; a chain of more than MAX_ALIAS_DEPTH aliases is SERVFAIL; loops are refused at config
 * time. The cache stage, asked first for the alias, stores a whole alias answer (its CNAMEs with
 * their configured TTLs, living as long as the target's records), so a repeated alias query is a
 * single cache hit.
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { RCode, RRType } from '../wire/constants.js';
import { copyRange } from '../wire/copy-range.js';
import { encodeName } from '../wire/name.js';
import { WireLengths } from '../wire/name-lengths.js';
import { scanMessage } from '../wire/layout.js';
import { parseQuery } from '../wire/query-parse.js';
import { questionReply } from '../wire/reply-build.js';
import { cnameOnly, spliceAlias, type AliasHop } from '../wire/splice-alias.js';
import { Query } from '../pipeline/query.js';
import { DROP, Reply, type Handler, type Next, type Outcome } from '../pipeline/types.js';
import { isPromise } from '../util/thenable.js';
import type { CnameRule } from '../config/types.js';
import { wireKey } from '../local/zone.js';

/** Longest alias chain followed (dnsmasq's CNAME_CHAIN is 10). */
export const MAX_ALIAS_DEPTH = 10;

/** One alias, ready for the hot path. */
interface Alias {
  readonly target: Buffer;
  /** The target's wire key, to follow a chain of aliases. */
  readonly targetKey: string;
  readonly ttl: number;
  /** CNAMEs this alias's answer starts with: 1, plus the target's when the target is an alias too. */
  hops: number;
}

/**
 * Sets each alias's hops by following its chain through the table (loops were refused at load;
 * counting stops past MAX_ALIAS_DEPTH, which is already too deep).
 */
function countHops(aliases: Map<string, Alias>): void {
  for (const a of aliases.values()) {
    let hops = 1;
    for (let t = aliases.get(a.targetKey); t && hops <= MAX_ALIAS_DEPTH; t = aliases.get(t.targetKey)) hops++;
    a.hops = hops;
  }
}

/** The query for the target: the client's header, the target name, the client's type, class and OPT. */
function targetQuery(q: Query, target: Buffer): Query | null {
  const { msg } = q;
  const qEnd = q.p.qEnd;
  const opt = q.p.optStart >= 0 ? msg.subarray(q.p.optStart, q.p.optStart + 11 + msg.readUInt16BE(q.p.optStart + 9)) : null;
  const out = Buffer.allocUnsafe(12 + target.length + 4 + (opt?.length ?? 0));
  copyRange(msg, 0, 12, out, 0);
  out.writeUInt16BE(1, 4);
  out.writeUInt32BE(0, 6);
  out.writeUInt16BE(opt ? 1 : 0, 10);
  out.set(target, 12);
  copyRange(msg, qEnd - 4, qEnd, out, 12 + target.length);
  if (opt) out.set(opt, 16 + target.length);
  const p = parseQuery(out);
  return typeof p === 'number' ? null : new Query(out, p, q.client, performance.now(), q.depth + 1);
}

/**
 * Creates the cname stage. `resolve` is the whole chain from its first stage, so targets see
 * local data too; it is bound after composition. `cache` (the cache stage) is asked first for the
 * alias itself: it stores whole alias answers, so a repeated alias query is one lookup.
 */
export function createCname(
  rules: readonly CnameRule[],
  localTtl: number,
  resolve: () => Next,
  cache: Handler,
): Handler & { aliasKeys: ReadonlySet<string> } {
  const aliases = new Map<string, Alias>();
  for (const r of rules) aliases.set(wireKey(r.alias), { target: encodeName(r.target), targetKey: wireKey(r.target), ttl: r.ttl ?? localTtl, hops: 1 });
  countHops(aliases);
  const lengths = WireLengths.of(aliases.keys());
  const aliasOf = (q: Query): Alias | undefined => (lengths.has(q.nameLen) ? aliases.get(q.nameKey) : undefined);
  const servfail = (q: Query) => new Reply(questionReply(q.msg, q.p.qEnd, RCode.SERVFAIL), 'error', true, -1, -1, null);
  const hopOf = (q: Query, alias: Alias): AliasHop => ({ query: q.msg, qEnd: q.p.qEnd, target: alias.target, ttl: alias.ttl });

  const combine = (q: Query, alias: Alias, o: Outcome): Outcome => {
    if (o === DROP) return o;
    if (o.rcode !== RCode.NOERROR && o.rcode !== RCode.NXDOMAIN) {
      return new Reply(questionReply(q.msg, q.p.qEnd, o.rcode), o.source, true, -1, -1, o.upstream);
    }
    const layout = o.layout ?? scanMessage(o.wire);
    const wire = layout ? spliceAlias(hopOf(q, alias), o.wire, layout, o.rcode, o.source === 'local') : null;
    // Scanned here rather than by the cache's insert: a combination that does not scan (a name of
    // the target's running into its dropped OPT) is no answer to send.
    const spliced = wire ? scanMessage(wire) : null;
    return spliced ? new Reply(wire!, o.source, true, -1, -1, o.upstream, spliced, false, alias.hops, o.cacheable) : servfail(q);
  };

  /** The answer for an alias not in the cache: its CNAME in front of what the chain returns for the target. */
  const answer: Next = (q) => {
    const alias = aliasOf(q)!;
    const tq = targetQuery(q, alias.target);
    if (!tq) return servfail(q);
    const r = resolve()(tq);
    return isPromise(r) ? r.then((o) => combine(q, alias, o)) : combine(q, alias, r);
  };

  return {
    name: 'cname',
    aliasKeys: new Set(aliases.keys()),
    handle(q, next) {
      const alias = aliasOf(q);
      if (!alias) return next(q);
      if (q.p.qtype === RRType.CNAME) return new Reply(cnameOnly(hopOf(q, alias)), 'local', true, -1, -1, null);
      // The whole chain is judged at its first alias, so a cached inner alias cannot lengthen it.
      if (q.depth + alias.hops > MAX_ALIAS_DEPTH) return servfail(q);
      return cache.handle(q, answer);
    },
  };
}
