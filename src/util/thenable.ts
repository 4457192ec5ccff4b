/** Narrowing for "value or promise of it" results (the pipeline returns synchronously when it can). */
export function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return x !== null && typeof (x as { then?: unknown }).then === 'function';
}
