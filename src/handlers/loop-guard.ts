/**
 * The loop-guard stage (only with dns-loop-detect): a query that is one of fandns's own loop
 * probes coming back marks the server it was sent to as looped (upstream/loop-detect.ts) and gets
 * no reply, as in dnsmasq (forward.c: detect_loop). Every other query passes on untouched.
 */
import { DROP, type Handler } from '../pipeline/types.js';
import type { LoopDetector } from '../upstream/loop-detect.js';

/** Counters the loop guard keeps. */
export interface LoopGuardCounters {
  /** Probes that came back as queries (each marks or re-marks its server). */
  returned: number;
}

/** Creates the loop-guard stage over `detector`. */
export function createLoopGuard(detector: LoopDetector, counters: LoopGuardCounters): Handler {
  return {
    name: 'loop-guard',
    handle(q, next) {
      if (!detector.catches(q)) return next(q);
      counters.returned++;
      return DROP;
    },
  };
}
