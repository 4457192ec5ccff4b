/**
 * The operational log (start-up, warnings, upstream up/down, reloads): pino JSON lines, to stderr
 * by default. Never used per query; the query log is separate and asynchronous.
 */
import { pino, type Logger } from 'pino';
import { OpsDestination } from './ops-destination.js';

import type { LogConfig, LogTarget } from '../config/types.js';

export type { Logger };

const destinations = new WeakMap<Logger, OpsDestination>();

/** The operational log's level: FANDNS_LOG_LEVEL when set, else debug with `log-debug`, else info. */
export function opsLevel(c: Pick<LogConfig, 'debug'>, env: NodeJS.ProcessEnv = process.env): string {
  return env['FANDNS_LOG_LEVEL'] ?? (c.debug ? 'debug' : 'info');
}

/**
 * Creates the operational logger, to stderr or appended to a file, written through an
 * OpsDestination (never blocks). `level: 'silent'` turns it off (tests).
 */
export function createLogger(level: string = process.env['FANDNS_LOG_LEVEL'] ?? 'info', target: LogTarget = { kind: 'stderr' }): Logger {
  const dest = new OpsDestination(target);
  const log = pino({ name: 'fandns', level, base: { pid: process.pid } }, dest);
  destinations.set(log, dest);
  return log;
}

/**
 * Reopens a file destination of the operational logger (SIGUSR2, after logrotate moved the file).
 * When the open fails (after a privilege drop the directory may not be writable) the logger keeps
 * writing to the old file and says so, instead of throwing out of the signal handler.
 */
export function reopenLogger(log: Logger): void {
  const dest = destinations.get(log);
  if (!dest?.file) return;
  try {
    dest.reopen();
  } catch (err) {
    log.warn({ file: dest.file, err: (err as Error).message }, 'cannot reopen the log file; still writing to the old one');
  }
}
