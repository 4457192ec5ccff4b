/**
 * The main process when workers > 1: start the cluster, drop privileges once every worker
 * listens and metrics-address is bound, pass SIGHUP, SIGUSR1 and SIGUSR2 to the workers (and
 * reopen its own log on SIGUSR2), and on SIGTERM or SIGINT stop the workers, then exit 0.
 */
import type { Config } from '../config/types.js';
import { createLogger, opsLevel, reopenLogger } from '../log/logger.js';
import { ClusterFailure, ClusterPrimary } from './cluster-primary.js';
import { becomeUnprivileged, die, exitOnStopSignals, stopBudget, writePidFileOrDie } from './lifecycle.js';
import { removePidFile } from './pid-file.js';
import type { Credentials } from './privileges.js';
import { ExitCode } from '../errors.js';

/** Runs the cluster primary. */
export async function runPrimary(config: Config, creds: Credentials | null): Promise<void> {
  const log = createLogger(opsLevel(config.log), config.log.target);
  const primary: ClusterPrimary = new ClusterPrimary(config, log, (failure) => {
    log.fatal({ err: failure.message }, 'no worker can serve; exiting');
    void primary.stop().then(() => process.exit(failure.exitCode));
  });
  const pidFile = config.process.pidFile;
  exitOnStopSignals(log, () => primary.stop().finally(() => removePidFile(pidFile)), stopBudget(config, 8000));
  process.on('SIGHUP', () => primary.signal('SIGHUP'));
  process.on('SIGUSR1', () => primary.signal('SIGUSR1'));
  process.on('SIGUSR2', () => {
    reopenLogger(log);
    primary.signal('SIGUSR2');
  });
  try {
    await primary.start();
  } catch (err) {
    await primary.stop();
    if (err instanceof ClusterFailure) die(log, err.message, err.exitCode);
    const message = (err as Error).message;
    die(log, `failed to create listening socket: ${message}`, ExitCode.NETWORK, { err: message });
  }
  writePidFileOrDie(config, creds, log);
  if (creds) becomeUnprivileged(creds, config, log);
  const listen = primary.endpoints.map((e) => `${e.address}#${e.port}`);
  log.info({ listen, workers: primary.workerPids, metrics: primary.metricsEndpoint }, 'cluster started');
}
