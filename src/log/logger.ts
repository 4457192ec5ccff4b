/**
 * The operational log (start-up, warnings, upstream up/down, reloads): pino JSON lines, to stderr
 * by default. Never used per query; the query log is separate and asynchronous.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the operational logger. `level: 'silent'` turns it off (tests). */
export function createLogger(level: string = process.env['FANDNS_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name: 'fandns', level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}
