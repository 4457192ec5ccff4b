/**
 * Runs one FandnsServer in this process, alone (workers=1) or as a cluster worker: bind, then,
 * when started as root, drop privileges, then serve until SIGTERM or SIGINT. SIGHUP reloads the
 * configuration (read again by the unprivileged user), SIGUSR1 logs statistics, SIGUSR2 reopens
 * the logs. A worker also reports to the primary, which serves metrics-address for it.
 */
import cluster from 'node:cluster';
import type { Config } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { createLogger, opsLevel, reopenLogger } from '../log/logger.js';
import { FandnsServer } from '../server.js';
import { attachToPrimary, takeForkRules, workerCacheFileSuffix, workerCheckSharing, workerEntrySharing, workerLoopSharing } from './cluster-worker.js';
import { becomeUnprivileged, die, exitOnStopSignals, stopBudget, writePidFileOrDie } from './lifecycle.js';
import { removePidFile } from './pid-file.js';
import type { Credentials } from './privileges.js';

/** What a process needs to run. */
export interface RunOptions {
  readonly config: Config;
  /** Reads the configuration again, from the same command line (SIGHUP). */
  readonly reload: () => Config;
  /** Whom to become after binding, or null to stay as we are. */
  readonly creds: Credentials | null;
  readonly version: string;
}

/** Starts the server and installs the signal handlers. */
export async function serve(opts: RunOptions): Promise<void> {
  const { config } = opts;
  const log = createLogger(opsLevel(config.log), config.log.target);
  const worker = cluster.isWorker;
  const server = new FandnsServer(config, log, undefined, opts.version, worker
    ? { metricsHttp: false, loops: workerLoopSharing(), cacheFileSuffix: workerCacheFileSuffix(), checks: workerCheckSharing(), siblings: workerEntrySharing(), adminRulesFromPrimary: true }
    : {});
  // Handlers go in before start(): a signal that arrives while it binds must not find the
  // default action (which ends the process). The others wait until the server serves.
  let serving = false;
  const pidFile = worker ? null : config.process.pidFile;
  exitOnStopSignals(log, () => server.stop().finally(() => removePidFile(pidFile)), stopBudget(config, 3000));
  process.on('SIGHUP', () => {
    if (serving) server.reloadFrom(opts.reload);
  });
  process.on('SIGUSR1', () => serving && log.info(server.stats(), 'statistics'));
  process.on('SIGUSR2', () => {
    if (!serving) return;
    server.reopenLogs();
    reopenLogger(log);
  });
  try {
    if (worker && config.adminApi) takeForkRules(server, log);
    await server.start();
  } catch (err) {
    const message = (err as Error).message;
    die(log, `failed to create listening socket: ${message}`, ExitCode.NETWORK, { err: message });
  }
  if (!worker) writePidFileOrDie(config, opts.creds, log);
  if (opts.creds) becomeUnprivileged(opts.creds, config, log);
  serving = true;
  if (worker) attachToPrimary(server);
}
