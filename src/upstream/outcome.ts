/**
 * The result of one exchange with one upstream, and how policies classify answers
 * (issue #2: positive = NOERROR with records; negative = NXDOMAIN or NODATA; error = the rest).
 */
import type { MessageLayout } from '../wire/layout.js';
import { RCode } from '../wire/constants.js';

/**
 * Why an exchange produced no usable message. 'late': a reply arrived after its race was decided,
 * so it was only counted (RTT, health), not parsed; nobody uses it. 'ignored': the reply over TCP
 * carried an ignore-address address or an ECS option not matching the query's (over UDP such a
 * reply is dropped and the wait goes on).
 */
export type FailureReason = 'timeout' | 'network' | 'malformed' | 'late' | 'ignored';

/** A reply that passed validation (source, ID, question, structure). */
export interface Answer {
  readonly kind: 'answer';
  readonly wire: Buffer;
  readonly layout: MessageLayout;
  readonly rcode: number;
  /** `address#port` of the server. */
  readonly server: string;
  /** True when the answer came over TCP after a truncated UDP reply. */
  readonly viaTcp: boolean;
}

/** No usable reply. */
export interface Failure {
  readonly kind: 'failure';
  readonly reason: FailureReason;
  readonly server: string;
}

export type ExchangeResult = Answer | Failure;

/** Classification used by arbitration. */
export const AnswerClass = { POSITIVE: 0, NEGATIVE: 1, ERROR: 2 } as const;
export type AnswerClass = (typeof AnswerClass)[keyof typeof AnswerClass];

/** Positive: NOERROR with answer records. Negative: NXDOMAIN, or NOERROR without. Else error. */
export function classify(a: Answer): AnswerClass {
  if (a.rcode === RCode.NOERROR) return a.layout.ancount > 0 ? AnswerClass.POSITIVE : AnswerClass.NEGATIVE;
  if (a.rcode === RCode.NXDOMAIN) return AnswerClass.NEGATIVE;
  return AnswerClass.ERROR;
}
