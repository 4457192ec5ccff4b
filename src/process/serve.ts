/**
 * Runs one FandnsServer in this process, alone (workers=1) or as a cluster worker: bind, then,
 * when started as root, drop privileges, then serve until SIGTERM or SIGINT. SIGHUP reloads the
 * configuration (read again by the unprivileged user), SIGUSR1 logs statistics, SIGUSR2 reopens
 * the logs. A worker also reports to the primary, which serves metrics-address for it.
 */
import cluster from 'node:cluster';
import type { Config } from '../config/types.js';
import type { ScriptOutputs, ScriptRunner } from '../config/script-outputs.js';
import { ExitCode } from '../errors.js';
import { createLogger, opsLevel, reopenLogger } from '../log/logger.js';
import { FandnsServer } from '../server.js';
import { attachToPrimary, takeForkRules, workerCacheFileSuffix, workerCheckSharing, workerEntrySharing, workerLoopSharing } from './cluster-worker.js';
import { becomeUnprivileged, die, exitOnStopSignals, stopBudget, writePidFileOrDie } from './lifecycle.js';
import { removePidFile } from './pid-file.js';
import type { Credentials } from './privileges.js';
import { ReloadQueue } from './reload-queue.js';

/** What a process needs to run. */
export interface RunOptions {
  readonly config: Config;
  /**
   * Reads the configuration again, from the same command line, taking conf-scripts' outputs from
   * `scripts`, and looks up its clear-text servers' names (SIGHUP).
   */
  readonly reload: (scripts: ScriptRunner) => Promise<Config>;
  /**
   * Runs the conf-scripts of the configuration on the command line without blocking, taking
   * those `known` has (the cluster primary's run) instead (gather-scripts.ts).
   */
  readonly gather: (known: ScriptOutputs | null) => Promise<ScriptOutputs>;
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
  // A reload first runs the conf-scripts and looks up server names, while the server goes on answering, then applies.
  const reloads = new ReloadQueue((err) => log.error({ err: err.message }, 'reload failed'));
  const reload = (known: ScriptOutputs | null): void => void reloads.request(async () => {
    const loaded = await opts.gather(known).then((outputs) => opts.reload(outputs.replaying())).catch((err: Error) => err);
    server.reloadFrom(() => {
      if (loaded instanceof Error) throw loaded;
      return loaded;
    });
  });
  process.on('SIGHUP', () => {
    if (serving) reload(null);
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
  if (worker) attachToPrimary(server, reload);
}
