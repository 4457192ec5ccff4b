/**
 * An operational logger that keeps its lines in memory, so a test can assert that fandns logged
 * no internal error while it was being fuzzed or flooded (a handler that throws is turned into
 * SERVFAIL and a log line, which a client alone could not tell from an upstream failure).
 */
import { pino } from 'pino';
import type { Logger } from '../../src/log/logger.js';

/** A logger and what it wrote. */
export interface MemoryLog {
  readonly log: Logger;
  /** Every line logged at `level` or above, parsed. */
  lines(): { level: number; msg: string; [k: string]: unknown }[];
  /** Lines at error level (50) or above. */
  errors(): { level: number; msg: string; [k: string]: unknown }[];
}

/** Creates a logger recording lines at `level` and above. */
export function memoryLog(level = 'warn'): MemoryLog {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  return { log, lines: () => lines, errors: () => lines.filter((l) => l.level >= 50) };
}
