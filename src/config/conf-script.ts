/**
 * conf-script=COMMAND (dnsmasq 2.90, reference §6.8): COMMAND runs through /bin/sh, as dnsmasq's
 * popen() runs it, so it may carry arguments, and what it writes to stdout is read as a config
 * file. dnsmasq runs it once at start; fandns at every load of the configuration (start, SIGHUP,
 * --test). A script that fails is a config error naming the conf-script line, and its exit code
 * is passed on at start as dnsmasq does it (10 + the code). The server waits for it, so it is
 * bounded: SCRIPT_TIMEOUT_MS of run time and SCRIPT_MAX_OUTPUT bytes of output.
 */
import { spawnSync } from 'node:child_process';
import { ConfigError, ExitCode, type Origin } from '../errors.js';

/** Longest a conf-script may run. */
export const SCRIPT_TIMEOUT_MS = 30_000;
/** Most bytes of output read from one (a large block list fits). */
export const SCRIPT_MAX_OUTPUT = 256 * 1024 * 1024;

/** The exit code fandns ends with when a conf-script exits with `status` at start (dnsmasq: status + 10). */
const exitCodeOf = (status: number): number => Math.min(255, status + 10);

/** The last line the script wrote to stderr, for the error message ('' when none). */
function lastLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const line = lines[lines.length - 1]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The origin file name of the lines a conf-script writes: its errors read `output of CMD:LINE: …`. */
export const scriptOutputName = (command: string): string => `output of ${command}`;

/**
 * Runs `command` (the value of the conf-script line at `from`) and returns its stdout. Throws a
 * ConfigError naming `from` when it cannot run, fails, is killed, outlasts SCRIPT_TIMEOUT_MS or
 * writes more than SCRIPT_MAX_OUTPUT bytes.
 */
export function runConfScript(command: string, from: Origin, timeoutMs = SCRIPT_TIMEOUT_MS): string {
  const fail = (why: string, exitCode: number = ExitCode.CONFIG): never => {
    throw new ConfigError('FANDNS_CONFIG_SCRIPT', from, `conf-script "${command}" ${why}`, exitCode);
  };
  if (command.trim() === '') fail('names no command');
  const r = spawnSync('/bin/sh', ['-c', command], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: SCRIPT_MAX_OUTPUT, killSignal: 'SIGKILL',
  });
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ETIMEDOUT') fail(`did not finish within ${timeoutMs / 1000} s`);
  if (err?.code === 'ENOBUFS') fail(`wrote more than ${SCRIPT_MAX_OUTPUT / (1024 * 1024)} MiB`);
  if (err) fail(`cannot be run: ${err.message}`);
  const said = lastLine(r.stderr ?? '');
  if (r.signal !== null) fail(`was killed by ${r.signal}${said ? `: ${said}` : ''}`);
  if (r.status !== 0) fail(`exited with code ${r.status}${said ? `: ${said}` : ''}`, exitCodeOf(r.status ?? 0));
  return r.stdout;
}
