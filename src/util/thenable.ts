/** Narrowing for "value or promise of it" results (the pipeline returns synchronously when it can). */
export function isPromise<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * True for any value with a callable `then`, primitives and null included: what a Promise follows
 * when it is resolved with the value (Promises/A+ §2.3.3).
 */
export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}
