/**
 * A network namespace with veth interfaces whose addresses a test adds, removes and takes down
 * while DNS servers run inside it (root only): for interface-name, dynamic-host and
 * localise-queries, which read the host's interfaces. Nothing sent inside can reach another
 * network. `close()` stops every process started here (by PID) and deletes the namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createNetns, type Netns } from './netns.js';
import { parseDigOutput, type DigResult } from './dig.js';
import { waitGone } from './proc.js';
import { which } from './tools.js';

/** A namespace with its processes. */
export interface VethLab {
  readonly ns: Netns;
  /** Runs `ip ARGS` inside; throws with its error output when it fails. */
  ip(...args: string[]): Promise<void>;
  /** Adds veth `name` (its peer `<name>p` up) with `addresses` (CIDR), up unless `up` is false. */
  addVeth(name: string, addresses: readonly string[], up?: boolean): Promise<void>;
  /** Starts `argv` inside (stdout and stderr ignored); close() stops it. */
  start(argv: readonly string[]): ChildProcess;
  /** `dig @server -p port ARGS` inside (one try, 2 s), parsed. */
  dig(server: string, port: number, args: readonly string[]): Promise<DigResult>;
  /** Resolves once dig gets any answer from server:port, or throws after `timeoutMs`. */
  waitAnswering(server: string, port: number, timeoutMs?: number): Promise<void>;
  /** Stops the processes started here, by PID, and deletes the namespace. */
  close(): Promise<void>;
}

/** Creates the namespace (lo up). Throws when the system does not allow it. */
export function createVethLab(): VethLab {
  const ns = createNetns();
  const children: ChildProcess[] = [];
  const ip = async (...args: string[]) => {
    const r = await ns.exec('ip', args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  const dig = async (server: string, port: number, args: readonly string[]) => {
    const r = await ns.exec('dig', [`@${server}`, '-p', String(port), '+time=2', '+tries=1', ...args]);
    return parseDigOutput(r.stdout + r.stderr);
  };
  return {
    ns,
    ip,
    addVeth: async (name, addresses, up = true) => {
      await ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`);
      await ip('link', 'set', `${name}p`, 'up');
      for (const a of addresses) await ip('addr', 'add', a, 'dev', name, ...(a.includes(':') ? ['nodad'] : []));
      if (up) await ip('link', 'set', name, 'up');
    },
    start: (argv) => {
      const c = spawn(ns.wrapper[0]!, [...ns.wrapper.slice(1), ...argv], { stdio: 'ignore' });
      children.push(c);
      return c;
    },
    dig,
    waitAnswering: async (server, port, timeoutMs = 5000) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        try {
          await dig(server, port, ['version.bind', 'CH', 'TXT']);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      throw new Error(`nothing answered on ${server}#${port} within ${timeoutMs} ms`);
    },
    close: async () => {
      for (const c of children) {
        if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
        process.kill(c.pid, 'SIGTERM');
        if (!(await waitGone(c.pid, 3000))) process.kill(c.pid, 'SIGKILL');
      }
      ns.remove();
    },
  };
}

/** The dnsmasq binary, for starting it inside a lab. */
export const dnsmasqPath = (): string | null => which('dnsmasq');

/**
 * Asks `ask` until `done` holds for its result, at most `timeoutMs` (bounded; for answers that
 * follow an address change once the server re-reads its interfaces), and returns the last result.
 */
export async function eventually<T>(ask: () => Promise<T>, done: (r: T) => boolean, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let r = await ask();
  while (!done(r) && Date.now() < until) {
    await new Promise((res) => setTimeout(res, 100));
    r = await ask();
  }
  return r;
}
