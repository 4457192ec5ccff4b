/**
 * The operational log (start-up, warnings, upstream up/down, reloads): pino JSON lines, to stderr
 * by default. Never used per query; the query log is separate and asynchronous.
 */
import { closeSync, openSync } from 'node:fs';
import { pino, type Logger } from 'pino';

import type { LogTarget } from '../config/types.js';

export type { Logger };

/** Creates the operational logger, to stderr or appended to a file. `level: 'silent'` turns it off (tests). */
export function createLogger(level: string = process.env['FANDNS_LOG_LEVEL'] ?? 'info', target: LogTarget = { kind: 'stderr' }): Logger {
  const dest = target.kind === 'file' ? pino.destination({ dest: target.path, append: true, sync: true, mkdir: false }) : pino.destination({ fd: 2, sync: true });
  return pino({ name: 'fandns', level, base: { pid: process.pid } }, dest);
}

/**
 * Reopens a file destination of the operational logger (SIGUSR2, after logrotate moved the file).
 * The file is opened once first: sonic-boom throws from reopen() when the open fails (after a
 * privilege drop the directory may not be writable), which would end the process. On failure
 * the logger keeps writing to the old file and says so.
 */
export function reopenLogger(log: Logger): void {
  const stream = (log as unknown as Record<symbol, { reopen?: () => void; file?: unknown }>)[pino.symbols.streamSym];
  if (!stream?.reopen || typeof stream.file !== 'string') return;
  try {
    closeSync(openSync(stream.file, 'a', 0o640));
    stream.reopen();
  } catch (err) {
    log.warn({ file: stream.file, err: (err as Error).message }, 'cannot reopen the log file; still writing to the old one');
  }
}
