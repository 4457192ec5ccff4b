/**
 * The real `fandns` command as a child process (node dist/src/cli.js): run it to completion
 * (`--test`, `--help`), or start it as a server and learn its port from the "started" log line
 * (so `--port 0` works), then stop it with a signal sent to its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from './tools.js';
import { buildQuery, query, udpExchange } from './dns-client.js';
import { isAlive } from './proc.js';

/** dist/src/cli.js, found from dist/test/helpers/. */
export const CLI_PATH = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

/** Runs the CLI to completion with `args`. */
export function runCli(args: readonly string[], timeoutMs = 15_000): Promise<RunResult> {
  return run(process.execPath, [CLI_PATH, ...args], timeoutMs);
}

/** How a CLI process ended. */
export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running fandns process. */
export interface CliProcess {
  readonly pid: number;
  /** The UDP/TCP port of its first listen address, as it logged it. */
  readonly port: number;
  /** Its stderr so far (the operational log). */
  stderr(): string;
  /** Sends `signal` to its PID and waits for it to exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<CliExit>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
});

function exitOf(child: ChildProcess): Promise<CliExit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Resolves once something answers a DNS query on 127.0.0.1:port (any reply counts). */
async function answering(port: number, child: ChildProcess, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && child.exitCode === null) {
    try {
      await udpExchange(buildQuery('ready.invalid'), port, 100);
      return port;
    } catch {
      // not listening yet
    }
  }
  throw new Error(`fandns did not answer on port ${port} within ${timeoutMs} ms`);
}

/**
 * Starts `fandns ARGS` and resolves once it logged `started` with its listen addresses, or, with
 * `pollPort` (for a log that goes to a file), once it answers on that port. The caller's args must
 * keep it off the host's resolvers (`--no-resolv` or a file with no-resolv). `wrapper` is a
 * command that runs node, e.g. `ip netns exec NS`.
 */
export async function startCli(args: readonly string[], readyTimeoutMs = 10_000, pollPort?: number, wrapper: readonly string[] = []): Promise<CliProcess> {
  // A wrapper (`ip netns exec NS`, `setpriv …`) must exec node in place, so the PID is fandns's.
  const argv = [...wrapper, process.execPath, CLI_PATH, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = pollPort !== undefined ? await answering(pollPort, child, readyTimeoutMs).catch((e: Error) => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    throw new Error(`${e.message}:\n${err}`);
  }) : await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`fandns did not log "started" within ${readyTimeoutMs} ms:\n${err}`)), readyTimeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(e);
    };
    const exitedEarly = (code: number | null) => fail(new Error(`fandns exited with ${code} before starting:\n${err}`));
    child.once('exit', exitedEarly);
    child.stderr!.on('data', () => {
      const m = /"listen":\["[^"#]+#(\d+)"/.exec(err);
      if (m && /"msg":"started"/.test(err)) {
        clearTimeout(timer);
        child.off('exit', exitedEarly); // a later exit (the test stopping it) is no start-up failure
        resolve(Number(m[1]));
      }
    });
  });
  return {
    pid: child.pid!,
    port,
    stderr: () => err,
    stop: async (signal = 'SIGTERM', graceMs = 5000) => {
      const done = exitOf(child);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      }, graceMs);
      const exit = await done;
      clearTimeout(timer);
      live.delete(child);
      return exit;
    },
  };
}

/** The JSON lines fandns has written to stderr so far (operational log and query log). */
export function logRecords(p: CliProcess): Record<string, unknown>[] {
  return p.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls (every 50 ms, at most `timeoutMs`) until `count` log records satisfy `match`; returns them. */
export async function waitForLog(p: CliProcess, match: (r: Record<string, unknown>) => boolean, count = 1, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = logRecords(p).filter(match);
    if (found.length >= count) return found;
    if (Date.now() > until) throw new Error(`fewer than ${count} matching log records after ${timeoutMs} ms:\n${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A `--workers=N` command: the primary and its workers' PIDs, from its `cluster started` line. */
export interface Cluster {
  readonly cli: CliProcess;
  readonly workers: number[];
}

/** Starts the command with `args` (asking for workers) and waits for its `cluster started` line. */
export async function startCluster(args: readonly string[], readyTimeoutMs = 15_000, pollPort?: number): Promise<Cluster> {
  const cli = await startCli(args, readyTimeoutMs, pollPort);
  const [started] = await waitForLog(cli, (r) => r['msg'] === 'cluster started', 1, readyTimeoutMs);
  return { cli, workers: started!['workers'] as number[] };
}

/** A test's end: stops the primary with `signal`, then kills every worker still alive. */
export async function stopCluster(cli: CliProcess | undefined, workers: readonly number[] | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await cli?.stop(signal);
  for (const pid of workers ?? []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Asks `count` names (`name(i)`) at once, each over a TCP connection of its own: the cluster's
 * primary hands connections to the workers round-robin, so 8 of them reach both of 2. The replies' RCODEs.
 */
export async function askAcrossWorkers(port: number, count: number, name: (i: number) => string): Promise<string[]> {
  const replies = await Promise.all(Array.from({ length: count }, (_, i) => query(port, name(i), { tcp: true, timeoutMs: 8000 })));
  return replies.map((r) => r.rcode);
}
