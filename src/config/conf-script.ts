/**
 * conf-script=COMMAND (dnsmasq 2.90, reference §6.8): COMMAND runs through /bin/sh, as dnsmasq's
 * popen() runs it, so it may carry arguments, and what it writes to stdout is read as a config
 * file. dnsmasq runs it once at start; fandns at every load of the configuration (start, SIGHUP,
 * --test). A script that fails is a config error naming the conf-script line, and its exit code
 * is passed on at start as dnsmasq does it (10 + the code). It is bounded: SCRIPT_TIMEOUT_MS of
 * run time and SCRIPT_MAX_OUTPUT bytes of output; a script that outlasts them is killed with what
 * it started (it runs in a process group of its own). At start the loader waits for it
 * (runConfScript); a reload runs it without blocking the server (runConfScriptAsync, through
 * src/config/gather-scripts.ts).
 */
import { spawn, spawnSync, type SpawnSyncOptionsWithStringEncoding } from 'node:child_process';
import { ConfigError, ExitCode, type Origin } from '../errors.js';

/** Longest a conf-script may run. */
export const SCRIPT_TIMEOUT_MS = 30_000;
/** Most bytes of output read from one (a large block list fits). */
export const SCRIPT_MAX_OUTPUT = 256 * 1024 * 1024;
/** Most bytes of a script's stderr kept (its last line is quoted in the error). */
const STDERR_KEPT = 64 * 1024;

/** A conf-script that could not give its output: a ConfigError naming the conf-script line, plus `why` alone. */
export class ScriptFailure extends ConfigError {
  constructor(
    readonly command: string,
    from: Origin,
    readonly why: string,
    exitCode: number = ExitCode.CONFIG,
  ) {
    super('FANDNS_CONFIG_SCRIPT', from, `conf-script "${command}" ${why}`, exitCode);
  }
}

/** How one run of a script ended, whichever way it was run. */
interface ScriptRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly overflow: boolean;
  readonly error: Error | null;
}

/**
 * Kills what is left of a script's process group (the shell's PID is its ID): the commands it
 * started, such as a `curl` still waiting, which would otherwise outlive it.
 */
function killGroup(shellPid: number): void {
  try {
    process.kill(-shellPid, 'SIGKILL');
  } catch {
    // nothing left of it
  }
}

/** The exit code fandns ends with when a conf-script exits with `status` at start (dnsmasq: status + 10). */
const exitCodeOf = (status: number): number => Math.min(255, status + 10);

/** The last line the script wrote to stderr, for the error message ('' when none). */
function lastLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const line = lines[lines.length - 1]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The script's output, or the ScriptFailure its run ended in. */
function outputOf(run: ScriptRun, command: string, from: Origin, timeoutMs: number, maxOutput: number): string {
  const fail = (why: string, exitCode: number = ExitCode.CONFIG): never => {
    throw new ScriptFailure(command, from, why, exitCode);
  };
  if (run.timedOut) fail(`did not finish within ${timeoutMs / 1000} s`);
  if (run.overflow) fail(`wrote more than ${maxOutput / (1024 * 1024)} MiB`);
  if (run.error) fail(`cannot be run: ${run.error.message}`);
  const said = lastLine(run.stderr);
  if (run.signal !== null) fail(`was killed by ${run.signal}${said ? `: ${said}` : ''}`);
  if (run.status !== 0) fail(`exited with code ${run.status}${said ? `: ${said}` : ''}`, exitCodeOf(run.status ?? 0));
  return run.stdout;
}

const noCommand = (command: string, from: Origin): ScriptFailure | null =>
  (command.trim() === '' ? new ScriptFailure(command, from, 'names no command') : null);

/** The origin file name of the lines a conf-script writes: its errors read `output of CMD:LINE: …`. */
export const scriptOutputName = (command: string): string => `output of ${command}`;

/**
 * Runs `command` (the value of the conf-script line at `from`), waiting for it, and returns its
 * stdout. Throws a ScriptFailure naming `from` when it cannot run, fails, is killed, outlasts
 * `timeoutMs` or writes more than SCRIPT_MAX_OUTPUT bytes.
 */
export function runConfScript(command: string, from: Origin, timeoutMs = SCRIPT_TIMEOUT_MS): string {
  const empty = noCommand(command, from);
  if (empty) throw empty;
  // detached: in a process group of its own, as runConfScriptAsync runs it (spawnSync honours the
  // flag, its typings leave it out). spawnSync kills only the shell.
  const r = spawnSync('/bin/sh', ['-c', command], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: SCRIPT_MAX_OUTPUT, killSignal: 'SIGKILL', detached: true,
  } as SpawnSyncOptionsWithStringEncoding);
  const err = (r.error as NodeJS.ErrnoException | undefined) ?? null;
  const timedOut = err?.code === 'ETIMEDOUT';
  const overflow = err?.code === 'ENOBUFS';
  if (timedOut || overflow) killGroup(r.pid);
  const run = { stdout: r.stdout, stderr: r.stderr ?? '', status: r.status, signal: r.signal, timedOut, overflow, error: timedOut || overflow ? null : err };
  return outputOf(run, command, from, timeoutMs, SCRIPT_MAX_OUTPUT);
}

/**
 * Runs `command` as runConfScript does, with the same bounds and the same failures, without
 * blocking: the server goes on answering while a reload's scripts run.
 */
export function runConfScriptAsync(command: string, from: Origin, timeoutMs = SCRIPT_TIMEOUT_MS, maxOutput = SCRIPT_MAX_OUTPUT): Promise<string> {
  const empty = noCommand(command, from);
  if (empty) return Promise.reject(empty);
  return new Promise((resolve, reject) => {
    // In a process group of its own, so that what the shell started dies with it.
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let timedOut = false;
    let overflow = false;
    let settled = false;
    const settle = (status: number | null, signal: string | null, error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const run = { stdout: Buffer.concat(out).toString('utf8'), stderr, status, signal, timedOut, overflow, error };
      try {
        resolve(outputOf(run, command, from, timeoutMs, maxOutput));
      } catch (err) {
        reject(err as Error);
      }
    };
    /** Kills the script and what it started (a shell does not always exec its last command), and stops reading. */
    const kill = () => {
      killGroup(child.pid!);
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes <= maxOutput) out.push(b);
      else if (!overflow) {
        overflow = true;
        kill();
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-STDERR_KEPT);
    });
    child.on('error', (err) => settle(null, null, err));
    child.on('close', (status, signal) => settle(status, signal, null));
  });
}
