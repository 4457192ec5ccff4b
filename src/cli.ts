#!/usr/bin/env node
/**
 * The `fandns` command: command line → Config → server, in this process or, with workers > 1, in
 * cluster workers that this process starts and watches (src/process/). Signals: SIGHUP reloads
 * the whole configuration (an invalid one is rejected and the old one keeps running), SIGTERM
 * and SIGINT stop listening, let in-flight queries finish (bounded) and exit.
 */
import cluster from 'node:cluster';
import { ConfigError, ExitCode } from './errors.js';
import { readTlsCredentials } from './listen/tls-credentials.js';
import { cliParser, DEFAULT_CONFIG_FILE, parseCli, type CliRequest } from './config/cli-args.js';
import { loadConfig, type LoadRequest } from './config/load.js';
import { gatherScripts } from './config/gather-scripts.js';
import { ScriptOutputs, type ScriptRunner } from './config/script-outputs.js';
import type { Config } from './config/types.js';
import { planPrivilegeDrop, PrivilegeError, type Credentials } from './process/privileges.js';
import { runPrimary } from './process/run-primary.js';
import { scriptsFromPrimary } from './process/cluster-worker.js';
import { serve } from './process/serve.js';
import { tuneHeap } from './process/heap-tuning.js';
import { fandnsVersion } from './util/version.js';
import { prepareDumpFile } from './log/packet-dump.js';
import { prepareDnstapFile } from './log/dnstap-file.js';
import { lookUpServerNames } from './server-name-lookup.js';

/** What the command line asks to load. */
const loadRequestOf = (req: CliRequest): LoadRequest => ({ cliLines: req.lines, file: req.file ?? DEFAULT_CONFIG_FILE, fileOptional: req.file === null });

/** Loads the configuration the command line describes; `scripts` gives conf-scripts' outputs (by default they run). */
export function configFrom(req: CliRequest, scripts?: ScriptRunner): Config {
  return loadConfig(scripts ? { ...loadRequestOf(req), scripts } : loadRequestOf(req));
}

function fail(err: unknown): never {
  if (err instanceof ConfigError || err instanceof PrivilegeError) {
    process.stderr.write(`\nfandns: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`\nfandns: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(ExitCode.OTHER);
}

async function main(argv: readonly string[]): Promise<void> {
  tuneHeap();
  let req: ReturnType<typeof parseCli>;
  let config: Config;
  /** What the conf-scripts gave this load (for a cluster primary's workers). */
  const ran = new ScriptOutputs();
  try {
    req = parseCli(argv);
    if (req.help) {
      process.stdout.write(`${await cliParser([]).getHelp()}\n`);
      return;
    }
    if (req.version) {
      process.stdout.write(`fandns ${fandnsVersion()}\n`);
      return;
    }
    // A worker takes the outputs of the scripts the primary ran.
    const known = cluster.isWorker ? await scriptsFromPrimary() : null;
    config = configFrom(req, known ? known.replaying() : ran.recording());
    // --test checks the syntax only: it looks no server name up.
    if (!req.test) config = await lookUpServerNames(config);
  } catch (err) {
    fail(err);
  }
  if (req.test) {
    try {
      // The certificate is read at start, not with the configuration: --test reads it too.
      if (config.listen.encrypted !== null) readTlsCredentials(config.listen.encrypted);
    } catch (err) {
      fail(err);
    }
    for (const w of config.warnings) process.stderr.write(`fandns: warning: ${w}\n`);
    process.stderr.write('fandns: syntax check OK.\n');
    return;
  }
  let creds: Credentials | null;
  try {
    creds = planPrivilegeDrop(config.process);
    // Before any worker starts: workers only append to a file that has its header.
    if (config.log.dump !== null) prepareDumpFile(config.log.dump);
    const tap = config.log.dnstap;
    if (tap !== null && tap.target.kind === 'file') prepareDnstapFile({ path: tap.target.path, origin: tap.origin });
  } catch (err) {
    fail(err);
  }
  const gather = (known: ScriptOutputs | null) => gatherScripts(loadRequestOf(req), known);
  if (cluster.isPrimary && config.process.workers > 1) await runPrimary(config, creds, ran, () => gather(null));
  else await serve({ config, creds, version: fandnsVersion(), reload: (scripts) => lookUpServerNames(configFrom(req, scripts)), gather });
}

void main(process.argv.slice(2));
