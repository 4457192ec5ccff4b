/**
 * fast-dns-retry: the schedule on which a UDP query still waiting for its reply is sent again
 * (reference §2.4, checked on dnsmasq 2.90: the first copy again after `firstMs`, then each gap
 * twice the one before, counted from the moment the previous copy left). Unlike dnsmasq, which
 * counts the retry time in whole seconds, the time is in milliseconds: a copy goes out only while
 * it is less than `totalMs` after the first send, and before the attempt itself ends.
 * Pure arithmetic over performance.now() milliseconds, so tests can drive it with any clock; a
 * waiting query keeps its copies' state in a Copies record (udp-transport.ts sends them).
 */
import type { FastRetry } from '../config/types.js';
import type { PooledSocket } from './pooled-socket.js';

export type { FastRetry };

/**
 * When the copy after one sent at `sentAt` is due: `gap` later, or Infinity when that is not
 * before `end` (the retry time or the attempt's deadline, whichever comes first).
 */
export function nextCopyAt(sentAt: number, gap: number, end: number): number {
  const at = sentAt + gap;
  return at < end ? at : Number.POSITIVE_INFINITY;
}

/** When copies of a query first sent at `now` must stop: the retry time, or its attempt's `deadline`. */
const copiesEnd = (retry: FastRetry, now: number, deadline: number): number => Math.min(now + retry.totalMs, deadline);

/** The first copy's due time for a query first sent at `now` whose attempt ends at `deadline` (Infinity: none). */
export function firstCopyAt(retry: FastRetry, now: number, deadline: number): number {
  return nextCopyAt(now, retry.firstMs, copiesEnd(retry, now, deadline));
}

/** What became of a query's copies (fast-dns-retry) by the time it settled. */
export interface SentCopies {
  /** Copies sent after the query itself. */
  readonly sent: number;
  /** performance.now() ms when the latest copy left; -1 when none did. */
  readonly resentAt: number;
}

/** When a waiting query's copies are sent (fast-dns-retry), and from which sockets. */
export class Copies implements SentCopies {
  /** performance.now() ms when the latest copy (or the query itself) left; -1 until a copy has. */
  resentAt = -1;
  /** Copies sent so far. */
  sent = 0;
  /** Every socket a copy left from, the query's own first; more than one only with port-limit. */
  readonly sockets: PooledSocket[];

  /**
   * @param dueAt when the next copy is due
   * @param gap the wait before that copy; each later one waits twice as long
   * @param end no copy leaves at or after this (the retry time, or the attempt's deadline)
   */
  constructor(
    first: PooledSocket, public dueAt: number, public gap: number, readonly end: number,
    /** False once nobody waits for the reply (a race decided): no more copies. */
    readonly wanted: (() => boolean) | null,
  ) {
    this.sockets = [first];
  }

  /**
   * The record of a query first sent at `now` from `first` under `retry`, or null when no copy
   * fits before its attempt's `deadline` (it is then sent once).
   */
  static plan(retry: FastRetry, first: PooledSocket, now: number, deadline: number, wanted: (() => boolean) | null): Copies | null {
    const end = copiesEnd(retry, now, deadline);
    const due = nextCopyAt(now, retry.firstMs, end);
    return due === Number.POSITIVE_INFINITY ? null : new Copies(first, due, retry.firstMs, end, wanted);
  }

  /** Notes a copy sent at `now` and schedules the next. */
  sentNow(now: number): void {
    this.sent++;
    this.resentAt = now;
    this.gap *= 2;
    this.dueAt = nextCopyAt(now, this.gap, this.end);
  }
}
