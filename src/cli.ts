#!/usr/bin/env node
/**
 * The `fandns` command: command line → Config → server. Signals: SIGHUP reloads the whole
 * configuration (an invalid one is rejected and the old one keeps running), SIGTERM and SIGINT
 * stop listening, let in-flight queries finish (bounded) and exit.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, ExitCode } from './errors.js';
import { cliParser, DEFAULT_CONFIG_FILE, parseCli, type CliRequest } from './config/cli-args.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/types.js';
import { createLogger, reopenLogger } from './log/logger.js';
import { FandnsServer } from './server.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Loads the configuration the command line describes. */
export function configFrom(req: CliRequest): Config {
  return loadConfig({ cliLines: req.lines, file: req.file ?? DEFAULT_CONFIG_FILE, fileOptional: req.file === null });
}

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`\nfandns: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`\nfandns: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(ExitCode.OTHER);
}

async function main(argv: readonly string[]): Promise<void> {
  let req: ReturnType<typeof parseCli>;
  let config: Config;
  try {
    req = parseCli(argv);
    if (req.help) {
      process.stdout.write(`${await cliParser([]).getHelp()}\n`);
      return;
    }
    if (req.version) {
      process.stdout.write(`fandns ${version()}\n`);
      return;
    }
    config = configFrom(req);
  } catch (err) {
    fail(err);
  }
  if (req.test) {
    for (const w of config.warnings) process.stderr.write(`fandns: warning: ${w}\n`);
    process.stderr.write('fandns: syntax check OK.\n');
    return;
  }
  const log = createLogger(undefined, config.log.target);
  const server = new FandnsServer(config, log, undefined, version());
  try {
    await server.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    log.fatal({ err: e.message }, 'failed to create listening socket');
    process.stderr.write(`\nfandns: failed to create listening socket: ${e.message}\n`);
    process.exit(ExitCode.NETWORK);
  }
  process.on('SIGHUP', () => {
    try {
      server.reload(configFrom(req));
    } catch (err) {
      log.error({ err: (err as Error).message }, 'reload rejected; keeping the running configuration');
    }
  });
  process.on('SIGUSR1', () => log.info(server.stats(), 'statistics'));
  process.on('SIGUSR2', () => {
    server.reopenLogs();
    reopenLogger(log);
  });
  const stop = (signal: string) => {
    log.info({ signal }, 'exiting');
    const hard = setTimeout(() => process.exit(ExitCode.OK), 3000);
    hard.unref();
    void server.stop().then(() => process.exit(ExitCode.OK));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main(process.argv.slice(2));
