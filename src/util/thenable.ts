/** Narrowing for "value or promise of it" results (the pipeline returns synchronously when it can). */
export function isPromise<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return x !== null && typeof (x as { then?: unknown }).then === 'function';
}
