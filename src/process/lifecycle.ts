/**
 * Process plumbing shared by the single server, the cluster workers and the cluster primary:
 * leaving with a message and an exit code, the pid file, switching to the unprivileged account
 * after binding,
 * and a SIGTERM/SIGINT handler that stops once (a second signal, e.g. from systemd's
 * control-group kill or a terminal's Ctrl-C reaching a worker that the primary also signals,
 * does not cut the stop short).
 */
import type { Config } from '../config/types.js';
import { ExitCode } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { dropPrivileges, handOverLog, PrivilegeError, type Credentials } from './privileges.js';
import { writePidFile } from './pid-file.js';

/** Logs `message` as fatal, writes it to stderr and exits with `code`. */
export function die(log: Logger, message: string, code: number, fields: Record<string, unknown> = {}): never {
  log.fatal(fields, message);
  process.stderr.write(`\nfandns: ${message}\n`);
  process.exit(code);
}

/** After every socket is bound and the logs are open: hand the log file over, then drop root. */
export function becomeUnprivileged(creds: Credentials, config: Config, log: Logger): void {
  try {
    handOverLog(config.log.target, creds);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'cannot hand the log file to the unprivileged user; SIGUSR2 may not reopen it');
  }
  try {
    dropPrivileges(creds);
  } catch (err) {
    die(log, (err as Error).message, err instanceof PrivilegeError ? err.exitCode : ExitCode.OTHER);
  }
  log.info({ user: creds.user, uid: creds.uid, group: creds.group, gid: creds.gid }, 'dropped privileges');
}

/**
 * Writes pid-file= (if configured) before root is dropped. A failure is fatal when started as
 * root (as in dnsmasq) and a warning otherwise (dnsmasq says nothing then).
 */
export function writePidFileOrDie(config: Config, creds: Credentials | null, log: Logger): void {
  const path = config.process.pidFile;
  if (path === null) return;
  try {
    writePidFile(path, creds);
  } catch (err) {
    const message = `cannot write pid-file ${path}: ${(err as Error).message}`;
    if (process.getuid?.() === 0) die(log, message, ExitCode.FILE);
    log.warn(message);
  }
}

/** Time a stop may take beyond its usual bound when it writes cache-file (1,000,000 entries: a few seconds). */
export const CACHE_FILE_STOP_MS = 30_000;

/** `ms` for a stop, plus CACHE_FILE_STOP_MS when the configuration writes a cache-file then. */
export const stopBudget = (config: Config, ms: number): number => ms + (config.cache.file !== null ? CACHE_FILE_STOP_MS : 0);

/** On the first SIGTERM or SIGINT runs `stop` and exits 0 (after at most `hardMs` in any case). */
export function exitOnStopSignals(log: Logger, stop: () => Promise<void>, hardMs = 3000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'exiting');
    setTimeout(() => process.exit(ExitCode.OK), hardMs).unref();
    void stop().then(() => process.exit(ExitCode.OK));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
