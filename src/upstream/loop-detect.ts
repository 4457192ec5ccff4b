/**
 * dns-loop-detect, as dnsmasq 2.90 does it (loop.c): each default server gets a TXT query for
 * `<8 hex digits>.test` (RFC 6761 §6.2 reserves "test", so no real name clashes), the hex an ID of
 * that server. If the same question reaches fandns as a query, the server sends our queries back
 * to us (fandns → resolved → fandns, or two forwarders pointing at each other): it is marked looped
 * and no group uses it. A round clears the marks of the servers it probes and probes them again.
 *
 * An ID is an HMAC of the server under a secret (not a counter: a client that cannot see the
 * probes cannot guess one and get a server marked). Workers share the secret (the primary hands
 * it out), so a probe that comes back to another worker is recognised there, and a mark is passed
 * to every worker through the primary.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { QClass, RRType } from '../wire/constants.js';
import { buildQuery } from '../wire/query-build.js';
import type { Logger } from '../log/logger.js';
import type { Query } from '../pipeline/query.js';
import type { Upstream } from './upstream.js';
import type { UpstreamRegistry } from './registry.js';

/** Domain of the probes (dnsmasq's LOOP_TEST_DOMAIN). */
const PROBE_DOMAIN = 'test';

/** Wire length of a probe name: 8 hex digits, "test" and the root. */
const PROBE_WIRE_LENGTH = 1 + 8 + 1 + PROBE_DOMAIN.length + 1;

/** The tail of a probe's lower-cased wire name after its ID label. */
const PROBE_TAIL = `\x04${PROBE_DOMAIN}\x00`;

/** A probed server, by its registry key. */
interface Target {
  readonly key: string;
  readonly label: string;
}

/** Probe IDs of the current default servers, and the registry marks go to. One per server process. */
export class LoopDetector {
  readonly #ids = new Map<string, Target>();
  #registry: UpstreamRegistry | null = null;
  /** The default servers last probed, as one string, to tell when they change. */
  #probed: string | null = null;

  /**
   * @param secret keys the probe IDs (workers get the primary's, so each knows the others' probes)
   * @param announce told of each probe that comes back here (looped) and of each mark a round
   *   clears (workers tell the primary, which passes marks on to the others)
   */
  constructor(
    private readonly log: Logger,
    private readonly secret: Buffer = randomBytes(16),
    private readonly announce: (key: string, looped: boolean) => void = () => {},
  ) {}

  /**
   * Makes `registry` the one marks go to and, when `round` is true or its default servers
   * `servers` differ from those last probed, runs a round: each server's mark is cleared (as
   * dnsmasq clears SERV_LOOP) and it is sent its probe, whose reply within `timeoutMs` is counted
   * like any other and otherwise ignored.
   */
  attach(registry: UpstreamRegistry, servers: readonly Upstream[], timeoutMs: number, round: boolean): void {
    this.#registry = registry;
    const keys = servers.map((u) => registry.keyOf(u));
    const probed = keys.join(',');
    if (!round && probed === this.#probed) return;
    this.#probed = probed;
    this.#ids.clear();
    servers.forEach((u, i) => {
      const key = keys[i]!;
      const id = createHmac('sha256', this.secret).update(key).digest('hex').slice(0, 8);
      this.#ids.set(id, { key, label: u.label });
      registry.setLooped(key, false);
      this.announce(key, false);
      const { msg, qEnd } = buildQuery(`${id}.${PROBE_DOMAIN}`, RRType.TXT, QClass.IN, true);
      u.exchange(msg, qEnd, timeoutMs, () => {});
    });
  }

  /** dns-loop-detect is off: forgets the probes, so turning it on again starts a round. */
  detach(): void {
    this.#registry = null;
    this.#probed = null;
    this.#ids.clear();
  }

  /**
   * True when `q` is one of our probes coming back (letter case aside): its server is marked
   * looped and the query should be dropped (dnsmasq sends no reply either).
   */
  catches(q: Query): boolean {
    const p = q.p;
    if (p.qtype !== RRType.TXT || p.qclass !== QClass.IN || p.nameLen !== PROBE_WIRE_LENGTH || this.#ids.size === 0) return false;
    const nameKey = q.nameKey;
    const target = this.#ids.get(nameKey.slice(1, 9));
    if (target === undefined || nameKey.slice(9) !== PROBE_TAIL) return false;
    this.mark(target.key);
    // Every time, not only the first: a worker that started since may not know the mark yet.
    this.announce(target.key, true);
    return true;
  }

  /** Marks the server known by `key` looped (here, or in another worker); true when it was not yet. */
  mark(key: string): boolean {
    if (this.#registry?.setLooped(key, true) !== true) return false;
    const label = [...this.#ids.values()].find((t) => t.key === key)?.label ?? key;
    this.log.warn({ upstream: label }, `NOT using nameserver ${label} - query loop detected`);
    return true;
  }
}
