/**
 * CHAOS-class names that describe the server itself, answered as dnsmasq 2.90
 * answers them (reference §7, SIGUSR1 stats) so monitoring scripts written for it keep working:
 * - TXT (or ANY) for `version.bind` ("fandns-<version>"), `authors.bind`, and the counters
 *   `cachesize.bind`, `insertions.bind`, `evictions.bind`, `misses.bind` (queries forwarded),
 *   `hits.bind` (answers from the cache or local) and `servers.bind` (one string per upstream:
 *   "address#port queries failures"), with AA; the counters with TTL 0, the rest with local-ttl;
 * - every other name at or under `bind.` or `server.` in class CH: NOTIMP, never forwarded (also
 *   all of them with `no-ident`).
 * Other CHAOS names, and every other class, pass on. The local stage asks it first for class CH
 * queries (measured: a stage of its own cost every cache hit 10–20 ns in the hit-path micro
 * benchmark).
 */
import { answerReply } from '../wire/answer-build.js';
import { QClass, RCode, RRType } from '../wire/constants.js';
import { questionReply } from '../wire/reply-build.js';
import { txtRdata } from '../wire/txt-rdata.js';
import { wireKey } from '../local/zone.js';
import type { Query } from '../pipeline/query.js';
import { Reply } from '../pipeline/types.js';

/** What the statistics names report, read when one is asked. */
export interface ChaosStats {
  readonly cacheSize: number;
  readonly insertions: number;
  readonly evictions: number;
  /** Queries sent upstream. */
  readonly forwarded: number;
  /** Answers made without an upstream: from the cache (fresh or stale) or locally. */
  readonly hits: number;
  readonly servers: readonly { readonly label: string; readonly queries: number; readonly failures: number }[];
}

/** Options of the CHAOS answerer. */
export interface ChaosOptions {
  /** False with no-ident: every *.bind and *.server name gets NOTIMP. */
  readonly ident: boolean;
  readonly localTtl: number;
  /** The text of version.bind. */
  readonly version: string;
}

/** What an identity or statistics name answers: its TXT strings and TTL. */
type IdentAnswer = () => { readonly texts: readonly string[]; readonly ttl: number };

/** The answerable names by wire key; the counters read `stats` when asked, with TTL 0. */
function identNames(opts: ChaosOptions, stats: () => ChaosStats): ReadonlyMap<string, IdentAnswer> {
  const fixed = (text: string): IdentAnswer => () => ({ texts: [text], ttl: opts.localTtl });
  const counter = (f: (s: ChaosStats) => readonly string[]): IdentAnswer => () => ({ texts: f(stats()), ttl: 0 });
  const names: Record<string, IdentAnswer> = {
    'version.bind': fixed(`fandns-${opts.version}`),
    'authors.bind': fixed('fandns developers'),
    'cachesize.bind': counter((s) => [String(s.cacheSize)]),
    'insertions.bind': counter((s) => [String(s.insertions)]),
    'evictions.bind': counter((s) => [String(s.evictions)]),
    'misses.bind': counter((s) => [String(s.forwarded)]),
    'hits.bind': counter((s) => [String(s.hits)]),
    // No upstreams: one empty string (a TXT record holds at least one).
    'servers.bind': counter((s) => (s.servers.length ? s.servers.map((u) => `${u.label} ${u.queries} ${u.failures}`) : [''])),
  };
  return new Map(Object.entries(names).map(([name, answer]) => [wireKey(name), answer]));
}

/** The last label of a lower-cased wire name key ('' for the root). */
function lastLabel(key: string): string {
  let at = 0;
  let last = '';
  while (at < key.length && key.charCodeAt(at) !== 0) {
    const len = key.charCodeAt(at);
    last = key.slice(at + 1, at + 1 + len);
    at += 1 + len;
  }
  return last;
}

const local = (wire: Buffer) => new Reply(wire, 'local', true, -1, -1, null);

/** Answers a class CH query, or returns null to let it go on through the pipeline. */
export type ChaosAnswerer = (q: Query) => Reply | null;

/** Creates the CHAOS answerer; `stats` is read only when a counter name is asked. */
export function createChaos(opts: ChaosOptions, stats: () => ChaosStats): ChaosAnswerer {
  const names = opts.ident ? identNames(opts, stats) : new Map<string, IdentAnswer>();
  return (q) => {
    if (q.p.qclass !== QClass.CH) return null;
    const key = q.nameKey;
    const top = lastLabel(key);
    if (top !== 'bind' && top !== 'server') return null;
    const { qtype } = q.p;
    const answer = qtype === RRType.TXT || qtype === RRType.ANY ? names.get(key) : undefined;
    if (answer === undefined) return local(questionReply(q.msg, q.p.qEnd, RCode.NOTIMP, false));
    const { texts, ttl } = answer();
    return local(answerReply(q.msg, q.p.qEnd, QClass.CH, [{ type: RRType.TXT, rdata: txtRdata(texts) }], ttl, true));
  };
}
