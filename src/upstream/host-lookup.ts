/**
 * Looks up the host names tls:// and https:// servers are named by, through the bootstrap servers
 * (bootstrap-server=), as Node's net.connect `lookup` option: every connection such a server opens
 * asks for its addresses. Answers are kept for their TTL, at most MAX_KEEP_S; lookups of one name
 * while one is on its way share it. Once the TTL ran out, a connection still gets the addresses
 * found last at once while a new lookup goes out (so a server that moved is followed from the
 * connection after), and they stay in use while the bootstrap servers fail: a bootstrap server
 * that is down does not take the encrypted servers down with it.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { FandnsError } from '../errors.js';
import { QClass, RCode, rcodeName, RRType } from '../wire/constants.js';
import { hostAddresses } from '../wire/host-addresses.js';
import { buildQuery } from '../wire/query-build.js';
import type { ServerGroup } from './group.js';

/** Longest an answer is kept (seconds), whatever its TTL. */
export const MAX_KEEP_S = 86_400;

/** Why a name has no addresses: the message net.connect's error (and so the server's health) carries. */
export class HostLookupError extends FandnsError {
  constructor(message: string) {
    super('FANDNS_BOOTSTRAP_LOOKUP', message);
    this.name = 'HostLookupError';
  }
}

/** The addresses of one name and family, and until when (performance.now() ms) they hold. */
interface Kept {
  addresses: LookupAddress[];
  until: number;
  /** The lookup on its way, or null. */
  pending: Promise<LookupAddress[]> | null;
  /** True once a lookup failed, until one succeeds (the failure is reported once). */
  failing: boolean;
}

/** The addresses a HostLookup found, by family and name, and until when they hold: what a reload carries over. */
export type FoundAddresses = ReadonlyMap<string, { readonly addresses: readonly LookupAddress[]; readonly until: number }>;

/** Node's callback for a `lookup` option, both of its forms. */
type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** What the operator is told of lookups (a log line each): only changes, not every lookup. */
export interface LookupReport {
  /** The addresses of a name, the first time and whenever they differ from the ones before. */
  found(name: string, addresses: readonly string[]): void;
  /** A lookup failed after the one before had not; `kept`: the addresses still used (none: the server cannot be reached). */
  failed(name: string, err: Error, kept: readonly string[]): void;
}

const SILENT: LookupReport = { found: () => {}, failed: () => {} };

/** Lookups made through the bootstrap servers, by result (fandns_bootstrap_lookups_total); carried from one runtime's lookups to the next. */
export interface LookupTally {
  lookupsOk: number;
  lookupsFailed: number;
}

/** The bootstrap lookups of one runtime. */
export class HostLookup {
  readonly #kept = new Map<string, Kept>();

  /**
   * @param group the bootstrap servers, asked by their group's policy; null: none configured (every lookup fails)
   * @param timeoutMs how long one lookup may take (query-timeout)
   * @param report told of new addresses and of failures
   * @param found what the lookups of the runtime this one replaces found (found()): used as if found here
   * @param tally counts each lookup's result (the replaced runtime's, to go on counting in it)
   */
  constructor(
    private readonly group: ServerGroup | null,
    private readonly timeoutMs: number,
    private readonly report: LookupReport = SILENT,
    found: FoundAddresses = new Map(),
    private readonly now: () => number = () => performance.now(),
    private readonly tally: LookupTally = { lookupsOk: 0, lookupsFailed: 0 },
  ) {
    for (const [key, f] of found) this.#kept.set(key, { addresses: [...f.addresses], until: f.until, pending: null, failing: false });
  }

  /** The addresses last found for `name` and `family` (none yet: empty), without looking anything up. */
  known(name: string, family: 0 | 4 | 6): string[] {
    return (this.#kept.get(`${family}/${name}`)?.addresses ?? []).map((a) => a.address);
  }

  /** What the lookups found so far (a copy), for the lookups of the runtime that replaces this one. */
  found(): FoundAddresses {
    return new Map([...this.#kept].filter(([, k]) => k.addresses.length > 0).map(([key, k]) => [key, { addresses: [...k.addresses], until: k.until }]));
  }

  /** The addresses of `name`: IPv4 then IPv6 for `family` 0, else that family's only. */
  addresses(name: string, family: 0 | 4 | 6): Promise<LookupAddress[]> {
    const key = `${family}/${name}`;
    let k = this.#kept.get(key);
    if (k !== undefined && k.until > this.now()) return Promise.resolve(k.addresses);
    if (k === undefined) {
      k = { addresses: [], until: 0, pending: null, failing: false };
      this.#kept.set(key, k);
    }
    const kept = k;
    kept.pending ??= this.#ask(name, family).then((fresh) => {
      this.tally.lookupsOk++;
      const before = kept.addresses.map((a) => a.address).join(' ');
      kept.addresses = fresh.addresses;
      kept.until = this.now() + Math.min(fresh.ttl, MAX_KEEP_S) * 1000;
      kept.failing = false;
      if (fresh.addresses.map((a) => a.address).join(' ') !== before) this.report.found(name, fresh.addresses.map((a) => a.address));
      return fresh.addresses;
    }, (err: Error) => {
      this.tally.lookupsFailed++;
      if (!kept.failing) this.report.failed(name, err, kept.addresses.map((a) => a.address));
      kept.failing = true;
      if (kept.addresses.length > 0) return kept.addresses;
      throw err;
    }).finally(() => {
      kept.pending = null;
    });
    // Addresses found before serve this connection while the new lookup is on its way.
    return kept.addresses.length > 0 ? Promise.resolve(kept.addresses) : kept.pending;
  }

  /** Node's `lookup` for net.connect (all addresses when it asks for all, as autoSelectFamily does). */
  readonly lookup = (name: string, options: LookupOptions, cb: LookupCallback): void => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    this.addresses(name, family).then((list) => {
      if (options.all === true) cb(null, list);
      else cb(null, list[0]!.address, list[0]!.family);
    }, (err: Error) => cb(err, options.all === true ? [] : ''));
  };

  /** Asks the bootstrap servers for the name's addresses of `family` (both queries at once for 0). */
  async #ask(name: string, family: 0 | 4 | 6): Promise<{ addresses: LookupAddress[]; ttl: number }> {
    const types = family === 4 ? [RRType.A] : family === 6 ? [RRType.AAAA] : [RRType.A, RRType.AAAA];
    const results = await Promise.allSettled(types.map((t) => this.#query(name, t)));
    const addresses: LookupAddress[] = [];
    let ttl = Number.POSITIVE_INFINITY;
    results.forEach((r, i) => {
      if (r.status !== 'fulfilled' || r.value.addresses.length === 0) return;
      for (const address of r.value.addresses) addresses.push({ address, family: types[i] === RRType.A ? 4 : 6 });
      ttl = Math.min(ttl, r.value.ttl);
    });
    if (addresses.length > 0) return { addresses, ttl };
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason instanceof Error ? failed.reason : new HostLookupError(`bootstrap: no address for ${name}`);
  }

  /** One question to the bootstrap group: the addresses its answer gives, or an error saying why none. */
  #query(name: string, qtype: number): Promise<{ addresses: readonly string[]; ttl: number }> {
    const group = this.group;
    if (group === null) return Promise.reject(new HostLookupError(`bootstrap: no bootstrap-server= to look up ${name} with`));
    const { msg, qEnd } = buildQuery(name, qtype, QClass.IN, true);
    const now = performance.now();
    return new Promise((resolve, reject) => {
      group.forward(msg, qEnd, now + this.timeoutMs, (o) => {
        if (o.kind === 'failed') {
          const rcode = o.lastError?.rcode;
          return reject(new HostLookupError(`bootstrap: ${rcode === undefined ? 'no answer' : rcodeName(rcode)} for ${name}`));
        }
        const a = o.answer;
        if (a.rcode !== RCode.NOERROR) return reject(new HostLookupError(`bootstrap: ${rcodeName(a.rcode)} for ${name}`));
        resolve(hostAddresses(a.wire, a.layout, name, qtype));
      }, now);
    });
  }
}

/** The lookups of a server built without bootstrap servers: each fails, saying so (never the system's resolver). */
export const NO_BOOTSTRAP = new HostLookup(null, 0);
