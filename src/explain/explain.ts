/**
 * GET /explain (metrics-address): how fandns answers one question, for the operator asking "why
 * does this name resolve to that?". It reports the `cname=` chain, the domain rule that decides the
 * name that is forwarded and that rule's servers with their state, the cache settings and entry
 * for the name, and (unless resolve=0) the answer the whole pipeline gives now: where it came
 * from, which upstream answered, its records, and which servers were sent a query meanwhile. The
 * question runs as a client's would (no EDNS, RD set), so it may fill the cache; it is neither
 * logged nor counted in the query metrics.
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import dnsPacket from 'dns-packet';
import { entryExpiry } from '../cache/entry-format.js';
import type { CacheConfig, CnameRule } from '../config/types.js';
import { routeOf, type GroupRoute } from '../handlers/route.js';
import { finalize } from '../pipeline/finalize.js';
import { Query, type Client } from '../pipeline/query.js';
import { DROP, type Outcome } from '../pipeline/types.js';
import { SuffixMap } from '../routing/suffix-map.js';
import type { Runtime } from '../runtime.js';
import { upstreamState } from '../server-report.js';
import type { Upstream } from '../upstream/upstream.js';
import { formatIp } from '../util/ip.js';
import { MAX_MESSAGE, QClass, rcodeName, typeName } from '../wire/constants.js';
import { buildQuery } from '../wire/query-build.js';
import { parseQuery } from '../wire/query-parse.js';
import type { ExplainRequest } from './explain-request.js';

/** The client an explained question comes from: its reply is read from the outcome instead. */
const EXPLAIN_CLIENT: Client = { address: '127.0.0.1', port: 0, protocol: 'tcp', localAddress: '127.0.0.1', localPort: 0, reply: () => {} };

const ms2 = (n: number) => Math.round(n * 100) / 100;

/** A question as the pipeline sees it, or null when the name does not make a query (too long). */
function questionFor(name: string, qtype: number): Query | null {
  const { msg } = buildQuery(name, qtype, QClass.IN, true);
  const p = parseQuery(msg);
  return typeof p === 'number' ? null : new Query(msg, p, EXPLAIN_CLIENT, performance.now());
}

/** The names a `cname=` chain goes through from `name` (just `[name]` when it is no alias). */
function aliasChain(name: string, cnames: readonly CnameRule[]): string[] {
  const targets = new Map(cnames.map((c) => [c.alias, c.target]));
  const chain = [name];
  for (let t = targets.get(name); t !== undefined && chain.length <= 11; t = targets.get(t)) chain.push(t);
  return chain;
}

/** The domain rule `r`, in words an operator reads. */
function describeRoute(r: GroupRoute): Record<string, unknown> {
  if (r.kind === 'refused') return { kind: 'refused', why: 'no server= rule and no default servers' };
  const domain = r.domain === '' ? '(default servers)' : r.domain;
  if (r.kind === 'address') return { kind: 'address', domain, type: typeName(r.rrtype), addresses: r.rdata.map((b) => formatIp(b)) };
  if (r.kind === 'local') return { kind: 'local', domain, why: 'answered from local data only (server=/d/ or local=/d/)' };
  return { kind: 'forward', domain, policy: r.group.policy, transport: transportOf(r.group.members, r.group.tcp), servers: r.group.members.map(upstreamState) };
}

/**
 * How a group's queries travel: udp, tcp (force-tcp), tls (tls:// servers), https (https://
 * servers); several, as "udp, tls", when its servers differ.
 */
function transportOf(members: readonly Upstream[], tcp: boolean): string {
  const plain = tcp ? 'tcp' : 'udp';
  const used = new Set<string>(members.map((m) => (m.spec.tls === undefined ? plain : m.spec.tls.path === null ? 'tls' : 'https')));
  return used.size === 0 ? plain : [plain, 'tls', 'https'].filter((k) => used.has(k)).join(', ');
}

/** The cache settings that apply to answers stored for `q`, and the domain they come from. */
function cachePolicy(c: CacheConfig, q: Query): Record<string, unknown> {
  const byDomain = new SuffixMap(c.domainPolicies.map((p) => [p.domain, p] as const));
  const p = byDomain.longest(q.p.key, q.nameLen);
  const { minTtl, maxTtl, negTtl, noNegcache, staleMaxSec, staleClientTimeoutMs } = p ?? c;
  // staleMaxSec null: no stale answers for the name; 0: without limit.
  return { domain: p?.domain ?? null, minTtl, maxTtl, negTtl, noNegcache, staleMaxSec, staleClientTimeoutMs };
}

/** The cache entry for `q` now: fresh (seconds left), expired (seconds since), or none. */
function cacheState(rt: Runtime, q: Query, now: number): Record<string, unknown> {
  if (rt.config.cache.size === 0) return { state: 'disabled' };
  const v = rt.store.get(q.p.key);
  if (!v) return { state: 'absent' };
  const expiry = entryExpiry(v);
  return now < expiry ? { state: 'fresh', secondsLeft: expiry - now } : { state: 'expired', secondsAgo: now - expiry };
}

/** Query counters of `members`, to see which were sent a query while the question ran. */
const snapshot = (members: readonly Upstream[]) => members.map((u) => ({ u, queries: u.stats.queries, answers: u.stats.answers, failures: u.stats.failures }));

/** What a finished outcome says: where it came from and its records, decoded. */
function describeAnswer(rt: Runtime, q: Query, o: Outcome, elapsedMs: number): Record<string, unknown> {
  if (o === DROP) return { source: 'dropped', ms: ms2(elapsedMs) };
  const bytes = finalize(o, q, rt.config.forward.ednsPacketMax);
  const packet = bytes.length <= MAX_MESSAGE ? dnsPacket.decode(Buffer.from(bytes)) : null;
  const records = (section: dnsPacket.Answer[] | undefined) => (section ?? []).map((a) => ({
    name: a.name, type: a.type, ttl: 'ttl' in a ? a.ttl : undefined, data: 'data' in a ? a.data : undefined,
  }));
  return {
    source: o.source,
    upstream: o.upstream,
    rcode: rcodeName(o.rcode),
    ms: ms2(elapsedMs),
    answers: records(packet?.answers),
    authorities: records(packet?.authorities),
  };
}

/** Explains `req` under runtime `rt`; `now` is the cache clock's time in seconds. */
export async function explain(rt: Runtime, req: ExplainRequest, now: () => number): Promise<Record<string, unknown>> {
  const q = questionFor(req.name, req.qtype);
  const chain = aliasChain(req.name, rt.config.cnames);
  const last = chain.length > 1 ? questionFor(chain.at(-1)!, req.qtype) : q;
  if (!q || !last) throw new RangeError(`"${req.name}" does not fit in a query`);
  const route = routeOf(last, rt.table);
  const report: Record<string, unknown> = {
    question: { name: req.name, type: typeName(req.qtype), class: 'IN' },
    aliases: chain.length > 1 ? chain : null,
    route: { name: chain.at(-1), ...describeRoute(route) },
    localName: !rt.zone.empty && rt.zone.isKnown(q.nameKey),
    cachePolicy: cachePolicy(rt.config.cache, q),
    cache: cacheState(rt, q, now()),
  };
  if (!req.resolve) return report;
  const before = snapshot(route.kind === 'forward' ? route.group.members : []);
  const started = performance.now();
  const o = await rt.chain(q);
  report['answer'] = describeAnswer(rt, q, o, performance.now() - started);
  report['sent'] = before
    .filter((s) => s.u.stats.queries > s.queries)
    .map((s) => ({ server: s.u.label, queries: s.u.stats.queries - s.queries, answers: s.u.stats.answers - s.answers, failures: s.u.stats.failures - s.failures }));
  report['cacheAfter'] = cacheState(rt, q, now());
  return report;
}
