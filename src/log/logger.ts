/**
 * The operational log (start-up, warnings, upstream up/down, reloads): pino JSON lines, to stderr
 * by default. Never used per query; the query log is separate and asynchronous.
 */
import { pino, type Logger } from 'pino';

import type { LogTarget } from '../config/types.js';

export type { Logger };

/** Creates the operational logger, to stderr or appended to a file. `level: 'silent'` turns it off (tests). */
export function createLogger(level: string = process.env['FANDNS_LOG_LEVEL'] ?? 'info', target: LogTarget = { kind: 'stderr' }): Logger {
  const dest = target.kind === 'file' ? pino.destination({ dest: target.path, append: true, sync: true, mkdir: false }) : pino.destination({ fd: 2, sync: true });
  return pino({ name: 'fandns', level, base: { pid: process.pid } }, dest);
}

/** Reopens a file destination of the operational logger (SIGUSR2, after logrotate moved the file). */
export function reopenLogger(log: Logger): void {
  const stream = (log as unknown as Record<symbol, { reopen?: () => void }>)[pino.symbols.streamSym];
  stream?.reopen?.();
}
