/**
 * Child processes of the harness. Every process is started bounded (`timeout` around it, so it dies
 * even if the harness is killed), pinned with `taskset` when the machine allows, tracked by PID, and
 * ended by PID: on stop, and on any exit of the harness (normal, error or signal).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A started, bounded process. `pid` is the real program (under `timeout` and `taskset`), or -1
 * when it ended before it could be seen.
 */
export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly wrapper: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the wrapper has exited. */
  readonly exited: Promise<number | string>;
}

/** How to start one process. */
export interface StartSpec {
  readonly name: string;
  readonly argv: readonly string[];
  /** CPU to pin to, or null for no pinning. */
  readonly cpu: number | null;
  /** Wall-clock limit in seconds; `timeout` kills the process after it. */
  readonly limitSec: number;
  /** stdout and stderr go here. */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory (default: the harness's own), where a program's stray files land. */
  readonly cwd?: string;
}

const live = new Set<Proc>();

/** Parent PID from /proc/<pid>/stat, or -1 when the process is gone. */
function parentOf(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The child of `parent` (`timeout` forks exactly one), polled for up to 2 s; -1 once `gone()`. */
async function childOf(parent: number, gone: () => boolean): Promise<number> {
  for (let i = 0; i < 200 && !gone(); i++) {
    for (const d of readdirSync('/proc')) {
      if (d.charCodeAt(0) <= 0x39 && parentOf(Number(d)) === parent) return Number(d);
    }
    await sleep(10);
  }
  if (gone()) return -1;
  throw new Error(`no child process of ${parent} found`);
}

/** The command line that bounds and pins `spec.argv`. */
export function boundedArgv(argv: readonly string[], cpu: number | null, limitSec: number): string[] {
  const pin = cpu === null ? [] : ['taskset', '-c', String(cpu)];
  return ['timeout', '-k', '3', String(Math.ceil(limitSec)), ...pin, ...argv];
}

/** Starts a process; resolves once its real PID is known. */
export async function start(spec: StartSpec): Promise<Proc> {
  const [cmd, ...args] = boundedArgv(spec.argv, spec.cpu, spec.limitSec);
  const fd = openSync(spec.logFile, 'a');
  const wrapper = spawn(cmd!, args, { stdio: ['ignore', fd, fd], env: spec.env ?? process.env, cwd: spec.cwd });
  closeSync(fd);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    wrapper.once('exit', (code, sig) => {
      done = true;
      resolve(code ?? sig ?? -1);
    });
    wrapper.once('error', (err) => {
      done = true;
      resolve(err.message);
    });
  });
  if (wrapper.pid === undefined) throw new Error(`cannot start ${spec.argv[0]}`);
  let pid: number;
  try {
    pid = await childOf(wrapper.pid, () => done);
  } catch (err) {
    wrapper.kill('SIGTERM'); // `timeout` passes it on to whatever it started
    throw err;
  }
  const proc: Proc = { name: spec.name, pid, wrapper, logFile: spec.logFile, exited };
  if (pid > 0) live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Ends a process by PID: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(p: Proc, graceMs = 3000): Promise<void> {
  if (!live.has(p)) return;
  signal(p.pid, 'SIGTERM');
  const t = setTimeout(() => signal(p.pid, 'SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(t);
}

/** Synchronously kills everything still running (exit path). */
export function killAll(): void {
  for (const p of live) {
    signal(p.pid, 'SIGKILL');
    signal(p.wrapper.pid ?? -1, 'SIGTERM');
  }
  live.clear();
}

let installed = false;

/** Makes sure no child outlives the harness: exit, uncaught errors, SIGINT, SIGTERM, SIGHUP. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`);
      killAll();
      process.exit(130);
    });
  }
}
