/**
 * The merge-answers policy (fandns): the query goes to every server at once, every reply is
 * awaited (each attempt bounded by upstream-timeout and ending before the query-timeout), and the
 * positive answers are merged into one (src/wire/merge-answers.ts). Records win over NXDOMAIN and
 * NODATA; with no positive answer the outcome is as under all-servers: the first negative answer,
 * else SERVFAIL.
 */
import { RCode } from '../wire/constants.js';
import { mergeAnswers } from '../wire/merge-answers.js';
import { scanMessage } from '../wire/layout.js';
import { AnswerClass, classify, type Answer, type ExchangeResult } from './outcome.js';
import type { GroupOutcome } from './group.js';
import type { Upstream } from './upstream.js';

/** Sends the query to every member (over TCP with `tcp`) and calls `done` once with every answer, in arrival order. */
export function gather(members: readonly Upstream[], query: Buffer, qEnd: number, attemptMs: number, tcp: boolean, done: (answers: Answer[]) => void): void {
  const answers: Answer[] = [];
  let left = members.length;
  if (left === 0) return done(answers);
  const settle = (r: ExchangeResult) => {
    if (r.kind === 'answer') answers.push(r);
    if (--left === 0) done(answers);
  };
  for (const m of members) m.exchange(query, qEnd, attemptMs, settle, null, tcp);
}

/** What the gathered answers come to; `merged` is true when a reply was built from several. */
export function mergeOutcome(answers: readonly Answer[]): { outcome: GroupOutcome; merged: boolean } {
  const positives = answers.filter((a) => classify(a) === AnswerClass.POSITIVE);
  if (positives.length === 0) {
    const negative = answers.find((a) => classify(a) === AnswerClass.NEGATIVE);
    return { outcome: negative ? { kind: 'answer', answer: negative } : { kind: 'failed', lastError: null }, merged: false };
  }
  const first = positives[0]!;
  const wire = mergeAnswers(positives);
  const layout = wire === null ? null : scanMessage(wire);
  if (wire === null || layout === null) return { outcome: { kind: 'answer', answer: first }, merged: false };
  const server = positives.map((a) => a.server).join('+');
  return { outcome: { kind: 'answer', answer: { kind: 'answer', wire, layout, rcode: RCode.NOERROR, server, viaTcp: first.viaTcp } }, merged: true };
}
