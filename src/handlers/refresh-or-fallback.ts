/**
 * Serve-stale's timing (RFC 8767 §5, the client response timer): wait for the answer being
 * fetched, but fall back on one kept elsewhere (this cache's expired entry, or another worker's
 * entry) when the fetch is late or fails. Also: where an entry kept in another worker's cache
 * comes from (workers=N).
 */
import { Buffer } from 'node:buffer';
import type { Outcome, Reply } from '../pipeline/types.js';

/** The other workers' caches, asked through the primary (workers=N; src/process/entry-sharing.ts). */
export interface SiblingEntries {
  /**
   * Resolves with a copy of the entry another worker holds under cache key `key` and may still
   * serve, in portable form (cache/entry-age.ts toPortable), or null: none, or no answer in time.
   */
  ask(key: string): Promise<Buffer | null>;
}

/**
 * Resolves with `refresh`'s outcome when it is `usable`; otherwise, or when it has not settled
 * after `timeoutMs`, with `fallback`'s reply. The fallback is asked once; when it has none (null),
 * the refresh's outcome stands whenever it comes, and a refresh that failed (rejected) rejects.
 */
export function refreshOrFallback(
  refresh: Outcome | PromiseLike<Outcome>,
  timeoutMs: number,
  usable: (o: Outcome) => boolean,
  fallback: () => Reply | null | Promise<Reply | null>,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let done = false;
    /** The refresh's result once it came and was not usable. */
    let came: { readonly o: Outcome } | { readonly err: unknown } | null = null;
    let asked: Promise<Reply | null> | null = null;
    const finish = (o: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const afterFallback = (r: Reply | null): void => {
      if (done) return;
      if (r !== null) return finish(r);
      if (came === null) return; // the refresh may still come
      done = true;
      clearTimeout(timer);
      if ('o' in came) resolve(came.o);
      else reject(came.err);
    };
    const ask = (): void => {
      asked ??= Promise.resolve().then(fallback).catch(() => null);
      void asked.then(afterFallback);
    };
    const timer = setTimeout(ask, timeoutMs);
    Promise.resolve(refresh).then(
      (o) => {
        if (done) return;
        if (usable(o)) return finish(o);
        came = { o };
        ask();
      },
      (err: unknown) => {
        if (done) return;
        came = { err };
        ask();
      },
    );
  });
}
