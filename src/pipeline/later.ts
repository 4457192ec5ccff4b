/**
 * A result that arrives later, for the forward path: a small thenable whose reactions run when it
 * settles, inside the settling call, instead of one microtask each. A forwarded query went through
 * three promises and two microtasks between the upstream's datagram and the client's reply (forward
 * stage, cache insert, dispatcher), each resolution also looking up `then` on the value.
 *
 * It is a thenable, so `await` and Promise.resolve() take it as they take any. Like a Promise, a
 * reaction added after it settled runs in a microtask (never inside then()), a reaction that throws
 * rejects the Later that then() returned, and a thenable returned by a reaction is followed. Unlike
 * a Promise, a rejection nobody reacts to is not reported: every Later in the pipeline gets its
 * reactions from the stage that made it.
 */
import { isThenable } from '../util/thenable.js';

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;
/** Resolved with a thenable and waiting for it: resolve() and reject() no longer count. */
const FOLLOWING = 3;

type OnFulfilled<T, A> = ((value: T) => A | PromiseLike<A>) | null | undefined;
type OnRejected<B> = ((reason: unknown) => B | PromiseLike<B>) | null | undefined;

/** One then() call: its callbacks and the Later it returned. */
interface Reaction {
  readonly onFulfilled: OnFulfilled<unknown, unknown>;
  readonly onRejected: OnRejected<unknown>;
  readonly derived: Later<unknown>;
}

/** A value or failure to come; settle it once with resolve() or reject(). */
export class Later<T> implements PromiseLike<T> {
  #state = PENDING;
  #value: unknown = undefined;
  /** The first reaction (the usual case: one), then any others. */
  #first: Reaction | null = null;
  #more: Reaction[] | null = null;

  /** Fulfils with `value` (following it if it is a thenable); later calls are ignored. */
  resolve(value: T | PromiseLike<T>): void {
    if (this.#state !== PENDING) return;
    if (isThenable(value)) {
      this.#state = FOLLOWING;
      value.then(
        (v) => this.#settle(FULFILLED, v),
        (e: unknown) => this.#settle(REJECTED, e),
      );
      return;
    }
    this.#settle(FULFILLED, value);
  }

  /** Rejects with `reason`; later calls are ignored. */
  reject(reason: unknown): void {
    if (this.#state === PENDING) this.#settle(REJECTED, reason);
  }

  then<A = T, B = never>(onFulfilled?: OnFulfilled<T, A>, onRejected?: OnRejected<B>): Later<A | B> {
    const derived = new Later<A | B>();
    const r: Reaction = { onFulfilled: onFulfilled as OnFulfilled<unknown, unknown>, onRejected, derived: derived as Later<unknown> };
    if (this.#state === FULFILLED || this.#state === REJECTED) queueMicrotask(() => this.#run(r));
    else if (this.#first === null) this.#first = r;
    else (this.#more ??= []).push(r);
    return derived;
  }

  #settle(state: number, value: unknown): void {
    if (this.#state === FULFILLED || this.#state === REJECTED) return;
    this.#state = state;
    this.#value = value;
    const first = this.#first;
    const more = this.#more;
    this.#first = null;
    this.#more = null;
    if (first !== null) this.#run(first);
    if (more !== null) for (const r of more) this.#run(r);
  }

  #run(r: Reaction): void {
    const fulfilled = this.#state === FULFILLED;
    const cb = fulfilled ? r.onFulfilled : r.onRejected;
    if (typeof cb !== 'function') {
      if (fulfilled) r.derived.resolve(this.#value);
      else r.derived.reject(this.#value);
      return;
    }
    let out: unknown;
    try {
      out = cb(this.#value);
    } catch (err) {
      r.derived.reject(err);
      return;
    }
    r.derived.resolve(out);
  }
}
