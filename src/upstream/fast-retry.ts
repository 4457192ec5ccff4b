/**
 * fast-dns-retry: the schedule on which a UDP query still waiting for its reply is sent again
 * (reference §2.4, checked on dnsmasq 2.90: the first copy again after `firstMs`, then each gap
 * twice the one before, counted from the moment the previous copy left). Unlike dnsmasq, which
 * counts the retry time in whole seconds, the time is in milliseconds: a copy goes out only while
 * it is less than `totalMs` after the first send, and before the attempt itself ends.
 * Pure arithmetic over performance.now() milliseconds, so tests can drive it with any clock.
 */
import type { FastRetry } from '../config/types.js';

export type { FastRetry };

/**
 * When the copy after one sent at `sentAt` is due: `gap` later, or Infinity when that is not
 * before `end` (the retry time or the attempt's deadline, whichever comes first).
 */
export function nextCopyAt(sentAt: number, gap: number, end: number): number {
  const at = sentAt + gap;
  return at < end ? at : Number.POSITIVE_INFINITY;
}

/** The first copy's due time for a query first sent at `now` whose attempt ends at `deadline` (Infinity: none). */
export function firstCopyAt(retry: FastRetry, now: number, deadline: number): number {
  return nextCopyAt(now, retry.firstMs, Math.min(now + retry.totalMs, deadline));
}
