/**
 * The main process when workers > 1: start the cluster, drop privileges once every worker
 * listens and metrics-address is bound, pass SIGUSR1 and SIGUSR2 to the workers (and reopen its
 * own log on SIGUSR2), on SIGHUP run the conf-scripts and have every worker reload with their
 * outputs, and on SIGTERM or SIGINT stop the workers, then exit 0.
 */
import type { Config } from '../config/types.js';
import type { ScriptOutputs } from '../config/script-outputs.js';
import { createLogger, opsLevel, reopenLogger } from '../log/logger.js';
import { ClusterPrimary } from './cluster-primary.js';
import { ClusterFailure } from './cluster-failure.js';
import { ClusterScripts } from './cluster-scripts.js';
import { becomeUnprivileged, die, exitOnStopSignals, stopBudget, writePidFileOrDie } from './lifecycle.js';
import { removePidFile } from './pid-file.js';
import type { Credentials } from './privileges.js';
import { ExitCode } from '../errors.js';

/**
 * Runs the cluster primary. `scripts` holds what the conf-scripts gave the primary's own load,
 * and `gather` runs them again (SIGHUP); the workers take their outputs from the primary.
 */
export async function runPrimary(config: Config, creds: Credentials | null, scripts: ScriptOutputs, gather: () => Promise<ScriptOutputs>): Promise<void> {
  const log = createLogger(opsLevel(config.log), config.log.target);
  const primary: ClusterPrimary = new ClusterPrimary(config, log, (failure) => {
    log.fatal({ err: failure.message }, 'no worker can serve; exiting');
    void primary.stop().then(() => process.exit(failure.exitCode));
  }, new ClusterScripts(scripts, gather, log));
  const pidFile = config.process.pidFile;
  exitOnStopSignals(log, () => primary.stop().finally(() => removePidFile(pidFile)), stopBudget(config, 8000));
  process.on('SIGHUP', () => void primary.reload());
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
