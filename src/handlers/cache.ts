/**
 * The cache stage (DESIGN.md "cache"; issue #3). A hit renders the stored bytes for the client
 * without decoding; a miss goes on down the chain and the upstream reply is stored. With
 * use-stale-cache (RFC 8767), an expired entry within the stale window is served (TTL 30 s) when
 * the refresh fails or takes longer than stale-client-timeout; the refresh still completes in the
 * background and updates the entry. Names under a configured domain take that domain's settings
 * (`min-cache-ttl=/d/N`, `use-stale-cache=/d/N`, `no-stale-cache=/d/`…), looked up only when an
 * answer is stored or an entry found expired: a fresh hit never looks. max-ttl caps the answer
 * TTLs clients see.
 */
import { Buffer } from 'node:buffer';
import type { Clock } from '../clock.js';
import { buildEntry } from '../cache/entry-build.js';
import { entryExpiry, entryLife } from '../cache/entry-format.js';
import { renderEntry, type RenderOptions } from '../cache/entry-render.js';
import { EntryRef } from '../cache/slab.js';
import type { CacheStore } from '../cache/store.js';
import type { TtlPolicy } from '../cache/ttl-policy.js';
import { staleRule, type DomainCache, type StaleOptions } from './cache-settings.js';
import type { SuffixMap } from '../routing/suffix-map.js';
import { RCode } from '../wire/constants.js';
import { setU32 } from '../wire/header.js';
import { scanMessage, Section } from '../wire/layout.js';
import { OPT_SIZE } from '../wire/opt.js';
import { Query } from '../pipeline/query.js';
import { parseQuery } from '../wire/query-parse.js';
import { performance } from 'node:perf_hooks';
import { personaliseFlags } from '../pipeline/finalize.js';
import { DROP, Reply, type Handler, type Next, type Outcome } from '../pipeline/types.js';
import { isPromise } from '../util/thenable.js';
import { fromPortable } from '../cache/entry-age.js';
import { refreshOrFallback, type SiblingEntries } from './refresh-or-fallback.js';

/** Options for the cache stage. */
export interface CacheOptions {
  readonly enabled: boolean;
  readonly ttl: TtlPolicy;
  /** Settings for names under configured domains (`min-cache-ttl=/d/N`, `use-stale-cache=/d/N`…), or null when none. */
  readonly domains: SuffixMap<DomainCache> | null;
  /** max-ttl (0: none). */
  readonly clientMaxTtl: number;
  readonly rotate: boolean;
  readonly ednsPacketMax: number;
  readonly stale: StaleOptions | null;
  /**
   * The domain of the `server=` rule that forwards `q` ('' for the default servers), for the rule a
   * stale answer is counted under; without it, stale answers count under their settings' domain.
   */
  readonly ruleOf?: (q: Query) => string;
  /**
   * fandns `prefetch`: a hit on an entry in the last tenth of its lifetime (at least its last
   * second) also refreshes it in the background, once at a time per entry, so a name asked
   * steadily never waits on its upstream when its TTL runs out.
   */
  readonly prefetch?: boolean;
  /**
   * workers=N: on a miss for a name that may be served stale, the other workers' caches, asked
   * when the fetch is late or fails (as for an expired entry of this cache); null or absent: none.
   */
  readonly siblings?: SiblingEntries | null;
}

/** Cache stage counters (hits + misses + stale = queries that reached the stage). */
export interface CacheCounters {
  hits: number;
  misses: number;
  staleServed: number;
  /**
   * Stale answers by rule: the most specific configured domain of the name's `server=` rule and
   * cache settings, "." for neither (labels come from the configuration, never from query names).
   */
  staleByRule: Record<string, number>;
  expired: number;
  /** Background refreshes started by prefetch. */
  prefetches: number;
}

/** Caps the answer-section TTLs of a forwarded reply at `max`, in place (reference §4.4). */
function capAnswerTtls(r: Reply, max: number): void {
  const layout = r.layout ?? scanMessage(r.wire);
  if (!layout) return;
  for (const rec of layout.records) {
    if (rec.section !== Section.ANSWER) break;
    const at = rec.typeOff + 4;
    if (r.wire.readUInt32BE(at) > max) setU32(r.wire, at, max);
  }
}

/**
 * True when a hit `left` seconds before its entry expires starts a prefetch: in the last tenth of
 * the entry's `life` (at least its last second), and not in the second the entry was stored (the
 * clock counts whole seconds: a 1-second entry is never refreshed, a 2-second one once a second).
 */
export const dueForPrefetch = (left: number, life: number): boolean => left < life && left <= Math.max(1, Math.floor(life / 10));

/**
 * Replies stored under their query's key: an upstream's, and an alias answer (CNAMEs in front of
 * the target's records) whose target came from an upstream or from the cache, so a repeated alias
 * query is one lookup. Local, stale, blocked and error answers are not stored, nor answers meant
 * for their asker only (add-subnet, add-mac: Reply.cacheable).
 */
const storable = (o: Reply): boolean =>
  o.cacheable && (o.source === 'upstream' || (o.aliasHops > 0 && (o.source === 'cache' || o.source === 'coalesced')));

const usable = (o: Outcome): o is Reply =>
  o !== DROP && o.source !== 'error' && (o.rcode === RCode.NOERROR || o.rcode === RCode.NXDOMAIN);

/** The cache stage: a Handler with its counters. */
export interface CacheStage extends Handler {
  readonly counters: CacheCounters;
  /**
   * Stops storing answers (lookups go on): called on a runtime replaced by a reload, whose store
   * the new runtime takes over emptied, so answers to queries asked under the old configuration
   * stay out of it.
   */
  retire(): void;
  /**
   * True when an entry stored under `key` (a cache key) that expires at `expiry` may still answer
   * at `now` (clock seconds): it is fresh, or the name's serve-stale window has not passed. The
   * cache file uses it to keep only such entries.
   */
  mayServe(key: string, nameLen: number, expiry: number, now: number): boolean;
}

/** True when serve-stale `stale` (null: off) still allows an entry that expired at `expiry` at `now`. */
const withinStale = (stale: StaleOptions | null, expiry: number, now: number): boolean =>
  stale !== null && (stale.maxSec === 0 || now < expiry + stale.maxSec);

/** Cache stage counters at zero. */
const cacheCounters = (): CacheCounters => ({ hits: 0, misses: 0, staleServed: 0, staleByRule: Object.create(null) as Record<string, number>, expired: 0, prefetches: 0 });

/** Creates the cache stage over `store`; it counts in `counters` (a replaced runtime's go on). */
export function createCache(opts: CacheOptions, store: CacheStore, clock: Clock, counters: CacheCounters = cacheCounters()): CacheStage {
  const keepZero = opts.stale !== null;
  const domains = opts.domains;
  /** The settings of the longest configured domain at or above a cache key's name, if any. */
  const settingsOf = (key: string, nameLen: number): DomainCache | undefined => (domains === null ? undefined : domains.longest(key, nameLen));
  /** The serve-stale settings that apply under `d` (the global ones outside configured domains). */
  const staleUnder = (d: DomainCache | undefined): StaleOptions | null => (d === undefined ? opts.stale : d.stale);
  const siblings = opts.siblings ?? null;
  let retired = false;
  /** Where the entry a lookup found is (reused: read at once, before anything else touches the store). */
  const found = new EntryRef();

  const renderOptions = (edns: boolean, dnssecOk: boolean, forceTtl: number): RenderOptions => ({
    clientMaxTtl: opts.clientMaxTtl,
    forceTtl,
    rotate: opts.rotate,
    ednsUdp: edns ? opts.ednsPacketMax : 0,
    dnssecOk,
  });
  // Fresh hits, by EDNS and DO: made once instead of per answer.
  const fresh = [renderOptions(false, false, -1), renderOptions(false, true, -1), renderOptions(true, false, -1), renderOptions(true, true, -1)];

  const render = (v: Buffer, start: number, end: number, q: Query, now: number, forceTtl: number, source: 'cache' | 'stale'): Reply => {
    const o = forceTtl < 0 ? fresh[(q.p.edns ? 2 : 0) + (q.p.dnssecOk ? 1 : 0)]! : renderOptions(q.p.edns, q.p.dnssecOk, forceTtl);
    // renderEntry copies the client's ID and question and adds its OPT; the flags finish it.
    const wire = renderEntry(v, start, end, q.msg, q.p.qEnd, now, o);
    personaliseFlags(wire, q);
    const optStart = q.p.edns ? wire.length - OPT_SIZE : -1;
    return new Reply(wire, source, true, optStart, q.p.edns ? wire.length : -1, null, null, true);
  };

  const insert = (q: Query, o: Outcome): Outcome => {
    if (o === DROP || !storable(o)) return o;
    if (opts.clientMaxTtl > 0) capAnswerTtls(o, opts.clientMaxTtl);
    // RD=0 replies may be referrals; they must not answer recursive queries later.
    if (!opts.enabled || !q.p.rd || retired) return o;
    const layout = o.layout ?? scanMessage(o.wire);
    if (!layout) return o;
    // A domain's settings are looked up by the name asked (for an alias answer, the alias's name).
    const d = domains?.longest(q.p.key, q.nameLen);
    // An answer that is stale at once (TTL 0) is kept only where it may be served stale.
    const entry = d === undefined
      ? buildEntry(o.wire, layout, clock.now(), opts.ttl, opts.rotate, keepZero, o.aliasHops)
      : buildEntry(o.wire, layout, clock.now(), d.ttl, opts.rotate, d.stale !== null, o.aliasHops);
    if (entry !== null) store.set(q.p.key, entry, q.p.keyHash);
    return o;
  };

  const after = (q: Query, r: Outcome | PromiseLike<Outcome>): Outcome | PromiseLike<Outcome> =>
    isPromise(r) ? r.then((o) => insert(q, o)) : insert(q, r);

  const prefetch = opts.prefetch === true;
  /** Keys being refreshed by prefetch: one refresh per entry at a time. */
  const refreshing = new Set<string>();
  /** Refreshes `q`'s entry in the background: a copy of the query goes down the chain, its answer is stored. */
  const refresh = (q: Query, next: Next): void => {
    const key = q.p.key;
    if (refreshing.has(key) || retired) return;
    const copy = Buffer.from(q.msg);
    const p = parseQuery(copy);
    if (typeof p === 'number') return;
    refreshing.add(key);
    counters.prefetches++;
    const settle = () => refreshing.delete(key);
    const pq = new Query(copy, p, q.client, performance.now(), q.depth);
    try {
      Promise.resolve(after(pq, next(pq))).then(settle, settle);
    } catch {
      settle();
    }
  };

  /** Counts a stale answer for `q` under its rule; `settings` is the domain of its cache settings, if any. */
  const countStale = (q: Query, settings: string | null): void => {
    counters.staleServed++;
    const rule = staleRule(settings, opts.ruleOf?.(q) ?? '');
    counters.staleByRule[rule] = (counters.staleByRule[rule] ?? 0) + 1;
  };

  /** Sends `q` on down the chain, storing its answer; a throw becomes a rejection. */
  const fetchAnswer = (q: Query, next: Next): Outcome | PromiseLike<Outcome> => {
    try {
      return after(q, next(q));
    } catch (err) {
      return Promise.reject(err);
    }
  };

  const serveStale = (q: Query, next: Next, at: EntryRef, now: number, stale: StaleOptions, settings: string | null): Promise<Outcome> => {
    // The slot may be reused once the refresh stores its answer: keep a private copy.
    const v = Buffer.from(at.buf.subarray(at.start, at.end));
    return refreshOrFallback(fetchAnswer(q, next), stale.clientTimeoutMs, usable, () => {
      countStale(q, settings);
      return render(v, 0, v.length, q, now, stale.ttl, 'stale');
    });
  };

  /**
   * A miss for a name that may be served stale, in a worker: when the fetch is late or fails, an
   * entry another worker keeps answers (fresh, or stale within this name's window) and is stored
   * here, so the next query finds it.
   */
  const missAskingSiblings = (q: Query, next: Next, siblings: SiblingEntries, stale: StaleOptions, settings: string | null): Promise<Outcome> =>
    refreshOrFallback(fetchAnswer(q, next), stale.clientTimeoutMs, usable, async () => {
      const v = await siblings.ask(q.p.key);
      const now = clock.now();
      if (v === null || fromPortable(v, 0, now) < 0) return null;
      const expiry = entryExpiry(v);
      if (now >= expiry && !withinStale(stale, expiry, now)) return null;
      if (!retired) store.set(q.p.key, v, q.p.keyHash);
      if (now < expiry) return render(v, 0, v.length, q, now, -1, 'cache');
      countStale(q, settings);
      return render(v, 0, v.length, q, now, stale.ttl, 'stale');
    });

  return {
    name: 'cache',
    counters,
    retire() {
      retired = true;
    },
    mayServe(key, nameLen, expiry, now) {
      if (now < expiry) return true;
      return withinStale(staleUnder(settingsOf(key, nameLen)), expiry, now);
    },
    handle(q, next) {
      if (opts.enabled) {
        if (store.lookupMatch(q.p.keyHash, q.p, found)) {
          const now = clock.now();
          const expiry = entryExpiry(found.buf, found.end);
          if (now < expiry) {
            counters.hits++;
            if (prefetch && dueForPrefetch(expiry - now, entryLife(found.buf, found.end))) refresh(q, next);
            return render(found.buf, found.start, found.end, q, now, -1, 'cache');
          }
          // Expired: the name's own serve-stale settings decide whether the entry may still serve.
          const d = settingsOf(q.p.key, q.nameLen);
          const stale = staleUnder(d);
          if (withinStale(stale, expiry, now)) return serveStale(q, next, found, now, stale!, d?.domain ?? null);
          // Past the window (or no serve-stale here): the entry can never answer again.
          store.delete(q.p.key);
          counters.expired++;
        }
        counters.misses++;
        if (siblings !== null) {
          const d = settingsOf(q.p.key, q.nameLen);
          const stale = staleUnder(d);
          if (stale !== null) return missAskingSiblings(q, next, siblings, stale, d?.domain ?? null);
        }
      }
      return after(q, next(q));
    },
  };
}
