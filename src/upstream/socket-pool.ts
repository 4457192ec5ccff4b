/**
 * The sockets one UDP transport sends from (udp-transport.ts): POOL_SIZE connect()ed sockets, each
 * on its own random source port, a query leaving from a random one (RFC 5452 §9.2–9.3), and each
 * replaced after MAX_USES queries or MAX_AGE_MS; or one socket never replaced (a fixed source
 * port, or query-port=0). A replaced socket still waited on is kept, retired, until its last
 * query settles.
 */
import { PooledSocket, portsToTry, type SocketOwner, type SourcePorts, type UdpTarget } from './pooled-socket.js';
import { random16 } from './random.js';

const POOL_SIZE = 8;
const MAX_USES = 2000;
const MAX_AGE_MS = 60_000;

/** The sockets of one server. */
export class SocketPool {
  readonly #slots: (PooledSocket | null)[];
  /** Retired sockets still waiting for replies. */
  readonly #retired: PooledSocket[] = [];
  /** One socket, never replaced: a fixed port, or query-port=0. */
  readonly #single: boolean;

  /**
   * @param owner gets the sockets' replies and failures
   * @param fixedPort the source port of the one socket, or null
   * @param single one socket, never replaced (a fixed port, or query-port=0)
   * @param range min-port..max-port, or null
   */
  constructor(
    private readonly target: UdpTarget,
    private readonly owner: SocketOwner,
    private readonly fixedPort: number | null,
    single: boolean,
    private readonly range: SourcePorts['range'],
  ) {
    this.#single = single;
    this.#slots = new Array<PooledSocket | null>(single ? 1 : POOL_SIZE).fill(null);
  }

  /** Number of slots (sockets in use at most). */
  get size(): number {
    return this.#slots.length;
  }

  /** The socket of a random slot (see #at). */
  pick(now: number): PooledSocket {
    return this.#at(random16() % this.#slots.length, now);
  }

  /** A socket not in `used`, from a random slot on, or null when every slot holds one of them. */
  otherThan(used: readonly PooledSocket[], now: number): PooledSocket | null {
    const n = this.#slots.length;
    const start = random16() % n;
    for (let k = 0; k < n; k++) {
      const slot = (start + k) % n;
      const s = this.#slots[slot];
      if (s && used.includes(s)) continue;
      const fresh = this.#at(slot, now);
      if (!used.includes(fresh)) return fresh;
    }
    return null;
  }

  /** One query fewer waits on `s`; a retired socket closes once none does. */
  release(s: PooledSocket): void {
    if (--s.waiting === 0 && s.retired) {
      const i = this.#retired.indexOf(s);
      if (i >= 0) this.#retired.splice(i, 1);
      s.close();
    }
  }

  /** Closes every socket, after `fail` has failed what waits on each. */
  close(fail: (s: PooledSocket) => void): void {
    for (const s of [...this.#slots, ...this.#retired]) {
      if (!s) continue;
      fail(s);
      s.close();
    }
    this.#slots.fill(null);
    this.#retired.length = 0;
  }

  /** The socket in slot `slot`, replacing it when it has served long enough (never a single one) or failed to bind. */
  #at(slot: number, now: number): PooledSocket {
    let s = this.#slots[slot];
    if (s && (s.broken || (!this.#single && (s.uses >= MAX_USES || now - s.born > MAX_AGE_MS)))) {
      s.retired = true;
      if (s.waiting === 0) s.close();
      else this.#retired.push(s);
      s = null;
    }
    if (!s) {
      s = new PooledSocket(this.target, this.owner, now, portsToTry(this.target, this.fixedPort, this.range), this.fixedPort !== null);
      this.#slots[slot] = s;
    }
    s.uses++;
    return s;
  }
}
